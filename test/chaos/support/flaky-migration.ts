import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export const PLANNED_FAILURES = 2;

/**
 * The real tenant migrations plus one that fails its first PLANNED_FAILURES runs in each tenant
 * database. Runs happen in several worker processes, so the count lives in a file per database.
 */
export function flakyMigrationsDir(builtMigrationsDir: string, dir: string) {
  const counters = path.join(dir, 'failure-counts');
  const migrations = path.join(dir, 'migrations');
  mkdirSync(counters, { recursive: true });
  mkdirSync(migrations, { recursive: true });
  for (const file of readdirSync(builtMigrationsDir).filter((name) => name.endsWith('.js'))) {
    copyFileSync(path.join(builtMigrationsDir, file), path.join(migrations, file));
  }
  writeFileSync(path.join(migrations, '29990101000000_chaos_fails_twice.js'), flakyMigration(counters));
  return {
    dir: migrations,
    failuresIn: (database: string): number => {
      const file = path.join(counters, database);
      return existsSync(file) ? Number(readFileSync(file, 'utf8')) : 0;
    },
  };
}

function flakyMigration(counters: string): string {
  return `const fs = require('node:fs');
const path = require('node:path');

exports.up = async function (knex) {
  const { rows } = await knex.raw('SELECT current_database() AS name');
  const file = path.join(${JSON.stringify(counters)}, rows[0].name);
  const failures = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8')) : 0;
  if (failures < ${PLANNED_FAILURES}) {
    fs.writeFileSync(file, String(failures + 1));
    throw new Error('chaos: planned migration failure ' + (failures + 1) + ' of ${PLANNED_FAILURES}');
  }
  await knex.schema.createTable('chaos_flaky_marker', (table) => table.increments('id'));
};

exports.down = async function (knex) {
  await knex.schema.dropTableIfExists('chaos_flaky_marker');
};
`;
}

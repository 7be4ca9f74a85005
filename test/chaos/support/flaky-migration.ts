import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export const PLANNED_FAILURES = 2;

/**
 * The real tenant migrations plus one that fails its first PLANNED_FAILURES runs, wherever they
 * happen (a tenant database or the service's template), then succeeds. Runs happen in several
 * worker processes, so each failure claims a file with O_EXCL: two at once cannot both take one.
 */
export function flakyMigrationsDir(builtMigrationsDir: string, dir: string) {
  const failures = path.join(dir, 'failures');
  const migrations = path.join(dir, 'migrations');
  mkdirSync(failures, { recursive: true });
  mkdirSync(migrations, { recursive: true });
  for (const file of readdirSync(builtMigrationsDir).filter((name) => name.endsWith('.js'))) {
    copyFileSync(path.join(builtMigrationsDir, file), path.join(migrations, file));
  }
  writeFileSync(path.join(migrations, '29990101000000_chaos_fails_twice.js'), flakyMigration(failures));
  return {
    dir: migrations,
    /** The database each planned failure happened in. */
    failedIn: (): string[] =>
      readdirSync(failures)
        .sort()
        .map((file) => readFileSync(path.join(failures, file), 'utf8')),
  };
}

function flakyMigration(failures: string): string {
  return `const fs = require('node:fs');
const path = require('node:path');

exports.up = async function (knex) {
  const { rows } = await knex.raw('SELECT current_database() AS name');
  for (let failure = 1; failure <= ${PLANNED_FAILURES}; failure++) {
    try {
      fs.writeFileSync(path.join(${JSON.stringify(failures)}, 'failure-' + failure), rows[0].name, { flag: 'wx' });
    } catch (error) {
      if (error.code === 'EEXIST') continue;
      throw error;
    }
    throw new Error('chaos: planned migration failure ' + failure + ' of ${PLANNED_FAILURES}');
  }
  await knex.schema.createTable('chaos_flaky_marker', (table) => table.increments('id'));
};

exports.down = async function (knex) {
  await knex.schema.dropTableIfExists('chaos_flaky_marker');
};
`;
}

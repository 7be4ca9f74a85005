import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { mapLimit } from './ready-tenants';
import { inRunDir } from './services';

/** The one new tenant migration the fleet series rolls out: a table and an index on it. */
export const FLEET_MIGRATION = {
  file: '20991231000000_bench_fleet_notes.js',
  statements: [
    'CREATE TABLE bench_fleet_notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id integer NOT NULL, ' +
      'body text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())',
    'CREATE INDEX bench_fleet_notes_user_id ON bench_fleet_notes (user_id)',
  ],
  undo: 'DROP TABLE bench_fleet_notes',
};

/** Databases the floor works on at once, each on a connection of its own. */
export const FLOOR_AT_ONCE = 4;

/**
 * A TENANT_MIGRATIONS_DIR for the built services: the compiled tenant migrations of the build
 * snapshot plus the new one, as plain JavaScript (the built worker refuses .ts migrations at
 * start-up). Knex runs it in one transaction, its two statements one after the other, as the floor does.
 */
export function writeFleetMigrationsDir(): string {
  const dir = inRunDir('fleet-migrations');
  mkdirSync(dir);
  cpSync(inRunDir('dist/migrations/tenant'), dir, { recursive: true, filter: (file) => !file.endsWith('.map') });
  const migration = [
    '// Written by bench/fleet-migration.ts: the fleet series rolls this out.',
    `const statements = ${JSON.stringify(FLEET_MIGRATION.statements, null, 2)};`,
    'exports.up = async (knex) => {',
    '  for (const statement of statements) await knex.raw(statement);',
    '};',
    `exports.down = (knex) => knex.raw(${JSON.stringify(FLEET_MIGRATION.undo)});`,
    '',
  ].join('\n');
  writeFileSync(path.join(dir, FLEET_MIGRATION.file), migration);
  return dir;
}

/**
 * The floor: the migration's statements sent by a plain pg client in one transaction (one round
 * trip), one new connection per database as `urls` say, FLOOR_AT_ONCE databases at a time.
 * Returns each database's connect → applied → closed, in ms.
 */
export async function applyOnPlainConnections(urls: string[], sql: string): Promise<number[]> {
  return mapLimit(urls.length, FLOOR_AT_ONCE, async (i) => {
    const started = performance.now();
    const client = new Client({ connectionString: urls[i] });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
    return performance.now() - started;
  });
}

/** The migration as the floor sends it. */
export const floorSql = () => `BEGIN;\n${FLEET_MIGRATION.statements.join(';\n')};\nCOMMIT`;

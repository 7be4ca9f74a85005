import type { Knex } from 'knex';
import type { Client } from 'pg';
import type { DirectoryMigrationSource } from '../postgres/directory-migration-source';

const UNDEFINED_TABLE = '42P01';

/** Thrown inside the batch's transaction to roll it back when Knex's own migrator has to do the work. */
class KnexMigratorNeeded extends Error {}

/**
 * The pending migrations applied as one Knex batch in one transaction on an open connection,
 * recorded in Knex's tables exactly as Knex records them (one `knex_migrations` row each, the
 * next batch number), so `knex migrate`, rollbacks and provisioning read them as their own.
 * Knex's `migrate.latest()` costs a new Knex (and its `select version()`), four
 * information_schema queries and a lock-table dance in transactions of their own; the caller's
 * advisory lock makes those redundant, so this sends four statements besides the migrations'.
 *
 * Returns the names applied, or undefined when Knex's migrator must do it instead: the database
 * has no Knex tables yet, or a pending migration asks for no transaction (`config.transaction`
 * false), which only Knex's migrator handles.
 */
export async function applyPendingBatch(
  client: Client,
  source: DirectoryMigrationSource,
  runner: Knex,
  files: string[],
): Promise<string[] | undefined> {
  try {
    return await runner.transaction((trx) => applyInTransaction(trx, files, source), { connection: client });
  } catch (error) {
    if (error instanceof KnexMigratorNeeded) return undefined;
    throw error;
  }
}

async function applyInTransaction(trx: Knex.Transaction, files: string[], source: DirectoryMigrationSource): Promise<string[]> {
  const recorded = await lockAndReadRecorded(trx);
  const known = new Set(files.map((file) => source.getMigrationName(file)));
  const missing = recorded.names.filter((name) => !known.has(name));
  // Knex's own words, so an operator meets the same message whichever migrator ran.
  if (missing.length) throw new Error(`The migration directory is corrupt, the following files are missing: ${missing.join(', ')}`);
  const applied = new Set(recorded.names);
  const pending = files.filter((file) => !applied.has(source.getMigrationName(file)));
  if (!pending.length) return [];

  // Loaded before anything runs: a file that cannot load fails the attempt with nothing applied.
  const migrations = await Promise.all(
    pending.map(async (file) => ({ name: source.getMigrationName(file), migration: await source.getMigration(file) })),
  );
  if (migrations.some(({ migration }) => !usesTransaction(migration))) throw new KnexMigratorNeeded();
  for (const { name, migration } of migrations) {
    if (typeof migration.up !== 'function' || typeof migration.down !== 'function') {
      throw new Error(`Invalid migration: ${name} must have both an up and down function`);
    }
  }
  for (const { migration } of migrations) await migration.up(trx);
  const batch = recorded.lastBatch + 1;
  await trx('knex_migrations').insert(migrations.map(({ name }) => ({ name, batch, migration_time: new Date() })));
  return migrations.map(({ name }) => name);
}

/**
 * Holds Knex's lock row until commit, so a `knex migrate` started meanwhile waits for this batch
 * and then sees it recorded; a lock a killed Knex process left set is freed with it. Then reads
 * what is recorded, under that lock: one round trip.
 */
async function lockAndReadRecorded(trx: Knex.Transaction): Promise<{ names: string[]; lastBatch: number }> {
  let results: { rows: { name: string; batch: number }[] }[];
  try {
    results = await trx.raw<typeof results>(
      'UPDATE knex_migrations_lock SET is_locked = 0; SELECT name, batch FROM knex_migrations ORDER BY id',
    );
  } catch (error) {
    if ((error as { code?: string }).code === UNDEFINED_TABLE) throw new KnexMigratorNeeded();
    throw error;
  }
  const rows = results[1]?.rows ?? [];
  return { names: rows.map((row) => row.name), lastBatch: Math.max(0, ...rows.map((row) => row.batch)) };
}

/** Knex's rule: a migration runs in a transaction unless its `config.transaction` says false. */
function usesTransaction(migration: Knex.Migration): boolean {
  return (migration as { config?: { transaction?: unknown } }).config?.transaction !== false;
}

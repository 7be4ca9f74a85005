import type { Knex } from 'knex';
import type { Client } from 'pg';

const UNDEFINED_TABLE = '42P01';

/** The migrations Knex recorded in a database, in the order applied; none when it never ran one. */
export async function appliedMigrations(client: Client): Promise<string[]> {
  const result = await ignoreMissingTable(client.query<{ name: string }>('SELECT name FROM knex_migrations ORDER BY id'));
  return (result?.rows ?? []).map((row) => row.name);
}

/** Frees a Knex migration lock left by a process killed mid-migration, on a pg client or a Knex. */
export async function freeStaleMigrationLock(database: Client | Knex): Promise<void> {
  // Only a lock actually held is written: otherwise every migration would pay a commit that changes nothing.
  const sql = 'UPDATE knex_migrations_lock SET is_locked = 0 WHERE is_locked <> 0';
  await ignoreMissingTable('raw' in database ? database.raw(sql) : database.query(sql));
}

/** A database that never ran a migration has no Knex tables yet. */
async function ignoreMissingTable<T>(query: PromiseLike<T>): Promise<T | undefined> {
  try {
    return await query;
  } catch (error) {
    if ((error as { code?: string }).code === UNDEFINED_TABLE) return undefined;
    throw error;
  }
}

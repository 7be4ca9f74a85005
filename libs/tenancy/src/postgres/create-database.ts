import type { ClientBase } from 'pg';
import { quoteIdentifier } from './quote-identifier';

type Queryable = Pick<ClientBase, 'query'>;

const DUPLICATE_DATABASE = '42P04';
/** Raised instead of 42P04 when two sessions create the same database at the same moment. */
const UNIQUE_VIOLATION = '23505';

/**
 * Looks first, for a database that usually exists already (the master at start-up), so the
 * server logs no error for it.
 */
export async function createDatabaseIfMissing(client: Queryable, name: string): Promise<boolean> {
  const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return existing.rowCount ? false : createDatabase(client, name);
}

/** Creates the database (a copy of `template` if given); false when it exists already. */
export async function createDatabase(client: Queryable, name: string, template?: string): Promise<boolean> {
  try {
    const from = template ? ` TEMPLATE ${quoteIdentifier(template)}` : '';
    await client.query(`CREATE DATABASE ${quoteIdentifier(name)}${from}`);
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === DUPLICATE_DATABASE || code === UNIQUE_VIOLATION) return false;
    throw error;
  }
}

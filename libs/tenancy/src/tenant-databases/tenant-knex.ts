import { knex, Knex } from 'knex';
import { knexLog } from '../postgres/knex-log';
import { quoteIdentifier } from '../postgres/quote-identifier';

interface PgConnection {
  query(sql: string, done: (error?: Error) => void): void;
}

/**
 * A Knex on a single connection to one tenant database. With `actingRole`, that connection takes
 * SET ROLE as it opens, so everything created through it belongs to that role (used only in
 * databases nobody outside the service has had credentials for: see TenantSchemaMigrator).
 */
export function openTenantKnex(url: string, logContext: string, actingRole?: string): Knex {
  const pool: Knex.PoolConfig = { min: 0, max: 1 };
  if (actingRole) {
    const setRole = `SET ROLE ${quoteIdentifier(actingRole)}`;
    pool.afterCreate = (connection: PgConnection, done: (error: Error | undefined, connection: PgConnection) => void) =>
      connection.query(setRole, (error) => done(error, connection));
  }
  return knex({ client: 'pg', connection: url, pool, log: knexLog(logContext) });
}

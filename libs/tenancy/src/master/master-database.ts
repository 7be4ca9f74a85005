import * as path from 'node:path';
import { knex, Knex } from 'knex';
import type { AppConfig } from '../config/app-config';
import { databaseOf, withDatabase } from '../postgres/connection-url';
import { createDatabaseIfMissing } from '../postgres/create-database';
import { DirectoryMigrationSource } from '../postgres/directory-migration-source';
import { knexLog } from '../postgres/knex-log';
import { quoteIdentifier } from '../postgres/quote-identifier';
import { LOCK_ID_SQL } from './advisory-lock';
import { LOCK_KEYS } from './lock-keys';
import { withClient } from '../postgres/with-client';

export const MASTER_MIGRATIONS_DIR = path.resolve(__dirname, '../../../../migrations/master');
const LOCK_NOT_AVAILABLE = '55P03';

/** Creates the master database when it is missing and brings its schema up to date. */
export async function openMasterDatabase(config: Pick<AppConfig, 'master' | 'provisioning' | 'fleet'>): Promise<Knex> {
  await ensureMasterDatabaseExists(config.master.url);
  const master = knex({
    client: 'pg',
    connection: config.master.url,
    // A job holds one connection for its tenant's advisory lock and may need another beside it;
    // more connections than lock holders means one is always free for them.
    pool: { min: 0, max: 2 * config.provisioning.workerConcurrency + config.fleet.migrationConcurrency + 4 },
    acquireConnectionTimeout: 10_000,
    log: knexLog('MasterDatabase'),
  });
  try {
    await migrateMaster(master, config.master.migrationLockTimeoutMs);
  } catch (error) {
    await master.destroy();
    throw error;
  }
  return master;
}

async function ensureMasterDatabaseExists(masterUrl: string): Promise<void> {
  await withClient(withDatabase(masterUrl, 'postgres'), (maintenance) => createDatabaseIfMissing(maintenance, databaseOf(masterUrl)));
}

/**
 * Knex's own migration lock makes a second starter fail instead of wait, so api and workers
 * starting together first queue on an advisory lock, then each finds the schema current. The
 * wait is bounded: a session holding the lock forever must not hang every start-up silently.
 */
async function migrateMaster(master: Knex, lockTimeoutMs: number): Promise<void> {
  await master.transaction(async (trx) => {
    await trx.raw(`SET LOCAL lock_timeout = ${Math.trunc(lockTimeoutMs)}`);
    try {
      await trx.raw(`SELECT pg_advisory_xact_lock(${LOCK_ID_SQL})`, [LOCK_KEYS.masterMigrations]);
    } catch (error) {
      if ((error as { code?: string }).code !== LOCK_NOT_AVAILABLE) throw error;
      throw new MasterMigrationLockTimeoutError(lockTimeoutMs, await lockHolders(master));
    }
    await master.migrate.latest({ migrationSource: new DirectoryMigrationSource(MASTER_MIGRATIONS_DIR) });
    await closeToPublic(trx);
  });
}

/**
 * PostgreSQL lets every role connect to a new database and make temporary tables in it; the
 * registry is nobody's business but the service's (a tenant role connected there could hold the
 * service's advisory locks). The owner and superusers keep their access.
 */
async function closeToPublic(trx: Knex.Transaction): Promise<void> {
  const { rows } = await trx.raw<{ rows: { name: string; open: boolean }[] }>(
    `SELECT current_database() AS name,
            has_database_privilege('public', current_database(), 'CONNECT')
            OR has_database_privilege('public', current_database(), 'TEMPORARY') AS open`,
  );
  if (rows[0]?.open) await trx.raw(`REVOKE CONNECT, TEMPORARY ON DATABASE ${quoteIdentifier(rows[0].name)} FROM PUBLIC`);
}

/** Who holds advisory locks in the master database, to name in the error. */
async function lockHolders(master: Knex): Promise<string[]> {
  const { rows } = await master.raw<{ rows: { pid: number; usename: string; application_name: string }[] }>(
    `SELECT DISTINCT l.pid, a.usename, a.application_name
       FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND a.datname = current_database()`,
  );
  return rows.map((row) => `pid ${row.pid} (user ${row.usename}${row.application_name ? `, ${row.application_name}` : ''})`);
}

export class MasterMigrationLockTimeoutError extends Error {
  constructor(timeoutMs: number, holders: string[]) {
    super(
      `waited ${timeoutMs} ms (MASTER_MIGRATION_LOCK_TIMEOUT_MS) for the master-migrations lock; ` +
        `held by ${holders.join(', ') || 'a session that has since let go'}. ` +
        'If that is not another instance of this service starting up, end it with pg_terminate_backend(<pid>)',
    );
    this.name = 'MasterMigrationLockTimeoutError';
  }
}

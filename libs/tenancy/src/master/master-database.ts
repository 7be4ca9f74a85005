import * as path from 'node:path';
import { knex, Knex } from 'knex';
import type { AppConfig } from '../config/app-config';
import { databaseOf, withDatabase } from '../postgres/connection-url';
import { createDatabaseIfMissing } from '../postgres/create-database';
import { DirectoryMigrationSource } from '../postgres/directory-migration-source';
import { knexLog } from '../postgres/knex-log';
import { withClient } from '../postgres/with-client';

export const MASTER_MIGRATIONS_DIR = path.resolve(__dirname, '../../../../migrations/master');
const MIGRATION_LOCK_KEY = 'tenancy:master-migrations';

/** Creates the master database when it is missing and brings its schema up to date. */
export async function openMasterDatabase(config: AppConfig): Promise<Knex> {
  await ensureMasterDatabaseExists(config.masterDatabaseUrl);
  const master = knex({
    client: 'pg',
    connection: config.masterDatabaseUrl,
    pool: { min: 0, max: 2 * config.workerConcurrency + 4 },
    acquireConnectionTimeout: 10_000,
    log: knexLog('MasterDatabase'),
  });
  try {
    await migrateMaster(master);
  } catch (error) {
    await master.destroy();
    throw error;
  }
  return master;
}

async function ensureMasterDatabaseExists(masterUrl: string): Promise<void> {
  await withClient(withDatabase(masterUrl, 'postgres'), (maintenance) =>
    createDatabaseIfMissing(maintenance, databaseOf(masterUrl)),
  );
}

/**
 * Knex's own migration lock makes a second starter fail instead of wait, so api and workers
 * starting together first queue on an advisory lock, then each finds the schema current.
 */
async function migrateMaster(master: Knex): Promise<void> {
  await master.transaction(async (trx) => {
    await trx.raw('SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', [MIGRATION_LOCK_KEY]);
    await master.migrate.latest({ migrationSource: new DirectoryMigrationSource(MASTER_MIGRATIONS_DIR) });
  });
}

/**
 * For the Knex CLI. The default environment is the tenant schema:
 *   npx knex --knexfile knexfile.ts migrate:make <name>            (a tenant migration)
 *   npx knex --knexfile knexfile.ts migrate:make <name> --migrations-directory migrations/master
 *   npx knex --knexfile knexfile.ts --env master migrate:status    (the master database)
 * The services apply both themselves; see README "Making migrations".
 */
import type { Knex } from 'knex';
import { loadConfig } from './libs/tenancy/src/config/app-config';
import { MASTER_MIGRATIONS_DIR } from './libs/tenancy/src/master/master-database';
import { DirectoryMigrationSource } from './libs/tenancy/src/postgres/directory-migration-source';

const config = loadConfig(process.env);

const tenant: Knex.Config = {
  client: 'pg',
  migrations: { directory: config.tenants.migrationsDir, extension: 'ts' },
};

const master: Knex.Config = {
  client: 'pg',
  connection: config.master.url,
  // The services' own migration source, so that both record the same names.
  migrations: { migrationSource: new DirectoryMigrationSource(MASTER_MIGRATIONS_DIR) },
};

module.exports = { development: tenant, test: tenant, production: tenant, master };

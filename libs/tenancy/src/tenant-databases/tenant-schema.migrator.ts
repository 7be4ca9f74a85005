import { Inject, Injectable } from '@nestjs/common';
import { knex } from 'knex';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { withDatabase } from '../postgres/connection-url';
import { DirectoryMigrationSource } from '../postgres/directory-migration-source';
import { knexLog } from '../postgres/knex-log';

/** Runs the Knex tenant migrations inside one tenant database. */
@Injectable()
export class TenantSchemaMigrator {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async migrateToLatest(dbName: string): Promise<void> {
    const tenantDatabase = knex({
      client: 'pg',
      connection: withDatabase(this.config.tenantServerUrl, dbName),
      pool: { min: 0, max: 1 },
      log: knexLog(TenantSchemaMigrator.name),
    });
    try {
      await tenantDatabase.migrate.latest({
        migrationSource: new DirectoryMigrationSource(this.config.tenantMigrationsDir),
      });
    } finally {
      await tenantDatabase.destroy();
    }
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { knex } from 'knex';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { withDatabase } from '../postgres/connection-url';
import { DirectoryMigrationSource } from '../postgres/directory-migration-source';
import { knexLog } from '../postgres/knex-log';
import { quoteIdentifier } from '../postgres/quote-identifier';

export interface MigrationRun {
  /** The role that will own what the migrations create. */
  role: string;
  /** Objects owned by this role (a template's) are handed to `role` first. */
  reassignFrom?: string;
  /**
   * Frees a Knex migration lock left by a process killed mid-migration. Safe only because the
   * caller holds the tenant's advisory lock, so no other migration can be running.
   */
  freeStaleLock: boolean;
}

interface PgConnection {
  query(sql: string, done: (error?: Error) => void): void;
}

/** Runs the Knex tenant migrations inside one tenant database, acting as the tenant's role. */
@Injectable()
export class TenantSchemaMigrator {
  private readonly source: DirectoryMigrationSource;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.source = new DirectoryMigrationSource(config.tenantMigrationsDir);
  }

  async migrateToLatest(dbName: string, run: MigrationRun): Promise<void> {
    const prelude = [
      run.reassignFrom && `REASSIGN OWNED BY ${quoteIdentifier(run.reassignFrom)} TO ${quoteIdentifier(run.role)}`,
      `SET ROLE ${quoteIdentifier(run.role)}`,
    ].filter(Boolean);
    const tenantDatabase = knex({
      client: 'pg',
      connection: withDatabase(this.config.tenantServerUrl, dbName),
      pool: {
        min: 0,
        max: 1,
        afterCreate: (connection: PgConnection, done: (error: Error | undefined, connection: PgConnection) => void) =>
          connection.query(prelude.join('; '), (error) => done(error, connection)),
      },
      log: knexLog(TenantSchemaMigrator.name),
    });
    try {
      // Listing takes no lock and writes nothing; a current database (a template copy) stops here.
      const [, pending] = await tenantDatabase.migrate.list({ migrationSource: this.source });
      if (pending.length === 0) return;
      if (run.freeStaleLock) await tenantDatabase.migrate.forceFreeMigrationsLock({ migrationSource: this.source });
      await tenantDatabase.migrate.latest({ migrationSource: this.source });
    } finally {
      await tenantDatabase.destroy();
    }
  }

  /** Changes whenever a tenant migration file is added, removed or edited. */
  async fingerprint(): Promise<string> {
    return this.source.fingerprint();
  }
}

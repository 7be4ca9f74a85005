import { Inject, Injectable } from '@nestjs/common';
import { knex } from 'knex';
import type { Client } from 'pg';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { withDatabase } from '../postgres/connection-url';
import { DirectoryMigrationSource } from '../postgres/directory-migration-source';
import { knexLog } from '../postgres/knex-log';
import { quoteIdentifier } from '../postgres/quote-identifier';
import { withClient } from '../postgres/with-client';

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

const UNDEFINED_TABLE = '42P01';

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
    const url = withDatabase(this.config.tenantServerUrl, dbName);
    // One plain connection settles the common case (a template copy, already current);
    // Knex and its migration lock are only brought in when something is to be applied.
    const pending = await withClient(url, async (client) => {
      if (run.reassignFrom) {
        await client.query(`REASSIGN OWNED BY ${quoteIdentifier(run.reassignFrom)} TO ${quoteIdentifier(run.role)}`);
      }
      if (run.freeStaleLock) await ignoreMissingTable(client.query('UPDATE knex_migrations_lock SET is_locked = 0'));
      return this.countPending(client);
    });
    if (pending > 0) await this.applyPending(url, run);
  }

  private async applyPending(url: string, run: MigrationRun): Promise<void> {
    const setRole = `SET ROLE ${quoteIdentifier(run.role)}`;
    const tenantDatabase = knex({
      client: 'pg',
      connection: url,
      pool: {
        min: 0,
        max: 1,
        afterCreate: (connection: PgConnection, done: (error: Error | undefined, connection: PgConnection) => void) =>
          connection.query(setRole, (error) => done(error, connection)),
      },
      log: knexLog(TenantSchemaMigrator.name),
    });
    try {
      await tenantDatabase.migrate.latest({ migrationSource: this.source });
    } finally {
      await tenantDatabase.destroy();
    }
  }

  /** How many of the tenant migrations the database lacks: a read, no lock taken. */
  private async countPending(client: Client): Promise<number> {
    const expected = (await this.source.getMigrations()).map((file) => this.source.getMigrationName(file));
    const rows = await ignoreMissingTable(client.query('SELECT name FROM knex_migrations'));
    const applied = new Set((rows?.rows ?? []).map((row) => row.name));
    return expected.filter((name) => !applied.has(name)).length;
  }

  /** Changes whenever a tenant migration file is added, removed or edited. */
  async fingerprint(): Promise<string> {
    return this.source.fingerprint();
  }
}

/** A database that never ran a migration has no Knex tables yet. */
async function ignoreMissingTable<T>(query: Promise<T>): Promise<T | undefined> {
  try {
    return await query;
  } catch (error) {
    if ((error as { code?: string }).code === UNDEFINED_TABLE) return undefined;
    throw error;
  }
}

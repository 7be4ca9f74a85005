import { Inject, Injectable } from '@nestjs/common';
import type { Client } from 'pg';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { withDatabase } from '../postgres/connection-url';
import { DirectoryMigrationSource } from '../postgres/directory-migration-source';
import { quoteIdentifier } from '../postgres/quote-identifier';
import { withClient } from '../postgres/with-client';
import { openTenantKnex } from './tenant-knex';

export interface MigrationOwners {
  /** The role that will own what the migrations create. */
  role: string;
  /** Objects owned by this role (a template's) are handed to `role` first. */
  reassignFrom?: string;
}

const UNDEFINED_TABLE = '42P01';

/** Runs the Knex tenant migrations inside one tenant database. */
@Injectable()
export class TenantSchemaMigrator {
  private readonly source: DirectoryMigrationSource;

  constructor(@Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'tenants' | 'tenantServer'>) {
    this.source = new DirectoryMigrationSource(config.tenants.migrationsDir);
  }

  /**
   * For a database nobody outside the service has had credentials for yet (a template being
   * built, a tenant database before it is first `ready`): it holds only what the service put
   * there, so the provisioner may connect to it, and must, to hand a template copy's tables over
   * (REASSIGN OWNED needs rights on both roles). The migrations run under SET ROLE so that what
   * they create belongs to `role`.
   */
  async migrateBeforeHandOut(dbName: string, owners: MigrationOwners): Promise<void> {
    const url = withDatabase(this.config.tenantServer.maintenanceUrl, dbName);
    // One plain connection settles the common case (a template copy, already current);
    // Knex and its migration lock are only brought in when something is to be applied.
    const pending = await withClient(url, async (client) => {
      await reassignOwned(client, owners);
      return this.countPending(client);
    });
    if (pending > 0) await this.applyPending(url, owners.role);
  }

  /**
   * The same for a tenant database an earlier attempt left, which may hold the migration lock of
   * a process killed mid-migration: that lock is freed first. Safe only because the caller holds
   * the tenant's advisory lock, so no other migration can be running.
   */
  async resumeBeforeHandOut(dbName: string, owners: MigrationOwners): Promise<void> {
    const url = withDatabase(this.config.tenantServer.maintenanceUrl, dbName);
    const pending = await withClient(url, async (client) => {
      await reassignOwned(client, owners);
      await freeStaleLock(client);
      return this.countPending(client);
    });
    if (pending > 0) await this.applyPending(url, owners.role);
  }

  /**
   * For a tenant that has (or had) its credentials: its database may hold anything the tenant
   * put there — a trigger on Knex's lock table, a view in place of its migrations table — and
   * whatever runs there runs with the rights of whoever connected (a trigger can RESET ROLE).
   * So every statement, the lock freeing and the reads included, runs as the tenant's own role.
   */
  async migrateAsTenant(tenantLoginUrl: string): Promise<void> {
    const pending = await withClient(tenantLoginUrl, async (client) => {
      await freeStaleLock(client);
      return this.countPending(client);
    });
    if (pending > 0) await this.applyPending(tenantLoginUrl);
  }

  /** Applies the pending migrations, under SET ROLE `actingRole` when given. */
  private async applyPending(url: string, actingRole?: string): Promise<void> {
    const tenantDatabase = openTenantKnex(url, TenantSchemaMigrator.name, actingRole);
    try {
      await tenantDatabase.migrate.latest({ migrationSource: this.source });
    } finally {
      await tenantDatabase.destroy();
    }
  }

  /** How many of the tenant migrations the database lacks: a read, no lock taken. */
  private async countPending(client: Client): Promise<number> {
    const expected = (await this.source.getMigrations()).map((file) => this.source.getMigrationName(file));
    const rows = await ignoreMissingTable(client.query<{ name: string }>('SELECT name FROM knex_migrations'));
    const applied = new Set((rows?.rows ?? []).map((row) => row.name));
    return expected.filter((name) => !applied.has(name)).length;
  }

  /** Changes whenever a tenant migration file is added, removed or edited. */
  async fingerprint(): Promise<string> {
    return this.source.fingerprint();
  }
}

/** Hands the objects a template's owner role owns in the database to the role migrating it. */
async function reassignOwned(client: Client, owners: MigrationOwners): Promise<void> {
  if (!owners.reassignFrom) return;
  await client.query(`REASSIGN OWNED BY ${quoteIdentifier(owners.reassignFrom)} TO ${quoteIdentifier(owners.role)}`);
}

/** Frees a Knex migration lock left by a process killed mid-migration. */
async function freeStaleLock(client: Client): Promise<void> {
  await ignoreMissingTable(client.query('UPDATE knex_migrations_lock SET is_locked = 0'));
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

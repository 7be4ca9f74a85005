import { Inject, Injectable } from '@nestjs/common';
import { knex, Knex } from 'knex';
import type { Client } from 'pg';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { withDatabase } from '../postgres/connection-url';
import { DirectoryMigrationSource } from '../postgres/directory-migration-source';
import { knexLog } from '../postgres/knex-log';
import { quoteIdentifier } from '../postgres/quote-identifier';
import { withClient } from '../postgres/with-client';
import type { SchemaVersion } from '../registry/tenant';
import { applyPendingBatch } from './knex-migration-batch';
import { appliedMigrations, freeStaleMigrationLock } from './knex-migrations-table';
import { openTenantKnex } from './tenant-knex';

/** What a rollback undid, and what the database has left. */
export interface RollbackResult {
  undone: string[];
  remaining: string[];
}

export interface MigrationOwners {
  /** The role that will own what the migrations create. */
  role: string;
  /** Objects owned by this role (a template's) are handed to `role` first. */
  reassignFrom?: string;
}

/** Runs the Knex tenant migrations inside one tenant database. */
@Injectable()
export class TenantSchemaMigrator {
  private readonly source: DirectoryMigrationSource;
  /** Runs batches on connections this class opens: it has none of its own (so no pool, no `select version()`). */
  private readonly batchRunner: Knex;

  constructor(@Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'tenants' | 'tenantServer'>) {
    this.source = new DirectoryMigrationSource(config.tenants.migrationsDir);
    this.batchRunner = knex({ client: 'pg', log: knexLog(TenantSchemaMigrator.name) });
  }

  /**
   * For a database nobody outside the service has had credentials for yet (a template being
   * built, a tenant database before it is first `ready`): it holds only what the service put
   * there, so the provisioner may connect to it, and must, to hand over the tables of a copy of a
   * template built when its owner role owned them (REASSIGN OWNED needs rights on both roles).
   * The migrations run under SET ROLE so that what they create belongs to `role`.
   */
  async migrateBeforeHandOut(dbName: string, owners: MigrationOwners): Promise<void> {
    const url = withDatabase(this.config.tenantServer.maintenanceUrl, dbName);
    // One plain connection settles a database already current (an earlier attempt's, say);
    // Knex and its migration lock are only brought in when something is to be applied.
    const pending = await withClient(url, async (client) => {
      await reassignOwned(client, owners);
      return this.countPending(client);
    });
    if (pending > 0) await this.applyPending(url, await this.source.getMigrations(), owners.role);
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
      await freeStaleMigrationLock(client);
      return this.countPending(client);
    });
    if (pending > 0) await this.applyPending(url, await this.source.getMigrations(), owners.role);
  }

  /**
   * For a tenant that has (or had) its credentials: its database may hold anything the tenant
   * put there — a trigger on Knex's lock table, a view in place of its migrations table — and
   * whatever runs there runs with the rights of whoever connected (a trigger can RESET ROLE).
   * So every statement, Knex's lock and the reads included, runs as the tenant's own role,
   * on one connection (a login costs a SCRAM exchange). The caller holds the tenant's advisory
   * lock, so a Knex lock still set is a killed process's. `files`: the migration files as the
   * caller found the directory, which is read when they are not given. Returns the migrations applied.
   */
  async migrateAsTenant(tenantLoginUrl: string, files?: string[]): Promise<string[]> {
    return this.applyPending(tenantLoginUrl, files ?? (await this.source.getMigrations()));
  }

  /**
   * Undoes the tenant's last Knex batch (all of it, or nothing: one transaction), as the tenant's
   * role for the same reasons as migrateAsTenant. The caller holds the tenant's advisory lock.
   */
  async rollbackAsTenant(tenantLoginUrl: string): Promise<RollbackResult> {
    const tenantDatabase = openTenantKnex(tenantLoginUrl, TenantSchemaMigrator.name);
    try {
      await freeStaleMigrationLock(tenantDatabase);
      const [, undone] = (await tenantDatabase.migrate.rollback({ migrationSource: this.source })) as [number, string[]];
      const { rows } = await tenantDatabase.raw<{ rows: { name: string }[] }>('SELECT name FROM knex_migrations ORDER BY id');
      return { undone, remaining: rows.map((row) => row.name) };
    } finally {
      await tenantDatabase.destroy();
    }
  }

  /**
   * Applies those of `files` the database lacks, under SET ROLE `actingRole` when given; returns their names.
   * One batch on one connection (see applyPendingBatch); Knex's own migrator only for what that
   * leaves to it, after freeing a lock a killed process left (it would refuse to start).
   */
  private async applyPending(url: string, files: string[], actingRole?: string): Promise<string[]> {
    const applied = await withClient(url, async (client) => {
      if (actingRole) await client.query(`SET ROLE ${quoteIdentifier(actingRole)}`);
      return applyPendingBatch(client, this.source, this.batchRunner, files);
    });
    if (applied) return applied;
    const tenantDatabase = openTenantKnex(url, TenantSchemaMigrator.name, actingRole);
    try {
      await freeStaleMigrationLock(tenantDatabase);
      const [, knexApplied] = (await tenantDatabase.migrate.latest({ migrationSource: this.source })) as [number, string[]];
      return knexApplied;
    } finally {
      await tenantDatabase.destroy();
    }
  }

  /** How many of the tenant migrations the database lacks: a read, no lock taken. */
  private async countPending(client: Client): Promise<number> {
    const expected = (await this.source.getMigrations()).map((file) => this.source.getMigrationName(file));
    const applied = new Set(await appliedMigrations(client));
    return expected.filter((name) => !applied.has(name)).length;
  }

  /** Where a database with every tenant migration stands; its fingerprint changes whenever a file is added, removed or edited. */
  version(): Promise<SchemaVersion> {
    return this.source.version();
  }
}

/** Hands the objects a template's owner role owns in the database to the role migrating it. */
async function reassignOwned(client: Client, owners: MigrationOwners): Promise<void> {
  if (!owners.reassignFrom) return;
  await client.query(`REASSIGN OWNED BY ${quoteIdentifier(owners.reassignFrom)} TO ${quoteIdentifier(owners.role)}`);
}

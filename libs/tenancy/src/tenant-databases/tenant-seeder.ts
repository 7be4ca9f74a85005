import { Inject, Injectable } from '@nestjs/common';
import type { Knex } from 'knex';
import type { Client } from 'pg';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { withDatabase } from '../postgres/connection-url';
import { withClient } from '../postgres/with-client';
import { openTenantKnex } from './tenant-knex';
import { TenantSeedSource } from './tenant-seed.source';

const UNDEFINED_TABLE = '42P01';

/** One row per seed applied to the database, written in the seed's own transaction. */
const CREATE_SEEDS_TABLE = `CREATE TABLE IF NOT EXISTS tenant_seeds (
  name text PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;
const RECORD_SEED = 'INSERT INTO tenant_seeds (name) VALUES (?) ON CONFLICT (name) DO NOTHING RETURNING name';

/**
 * Runs the tenant seed files (TENANT_SEEDS_DIR), in name order, each at most once per tenant
 * database: a seed runs in one transaction with the `tenant_seeds` row that records it, so a
 * crash rolls back both and a retry finds it either done or not at all. A database gets the table
 * only once a seed is applied to it. Seeds run as the migrations do, and for the same reasons
 * (see TenantSchemaMigrator): under SET ROLE to the tenant's role before hand-out, logged in as
 * that role after.
 */
@Injectable()
export class TenantSeeder {
  private readonly source: TenantSeedSource;

  constructor(@Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'tenants' | 'tenantServer'>) {
    this.source = new TenantSeedSource(config.tenants.seedsDir);
  }

  /** TENANT_SEEDS: off means no seed runs anywhere, and none is part of the template. */
  get enabled(): boolean {
    return this.config.tenants.seedsEnabled;
  }

  /**
   * For a database nobody outside the service has had credentials for yet: the provisioner
   * connects and what the seeds create belongs to `role`. Returns how many seeds were applied.
   */
  seedBeforeHandOut(dbName: string, role: string): Promise<number> {
    return this.applyPending(withDatabase(this.config.tenantServer.maintenanceUrl, dbName), role);
  }

  /** For a tenant that has (or had) its credentials: everything runs as the tenant's own role. */
  seedAsTenant(tenantLoginUrl: string): Promise<number> {
    return this.applyPending(tenantLoginUrl);
  }

  /**
   * Changes whenever a seed file is added, removed or edited; undefined when seeds are off or
   * there are none, as nothing then runs.
   */
  async fingerprint(): Promise<string | undefined> {
    if (!this.enabled || (await this.source.getMigrations()).length === 0) return undefined;
    return this.source.fingerprint();
  }

  private async applyPending(url: string, actingRole?: string): Promise<number> {
    if (!this.enabled) return 0;
    const files = await this.source.getMigrations();
    // No seeds, no connection.
    if (files.length === 0) return 0;
    // One plain connection settles the common case (a template copy, already seeded); Knex is
    // only brought in when something is to be applied.
    const applied = await withClient(url, appliedSeeds);
    const pending = files.filter((file) => !applied.has(this.source.getMigrationName(file)));
    if (pending.length === 0) return 0;
    const tenantDatabase = openTenantKnex(url, TenantSeeder.name, actingRole);
    try {
      await tenantDatabase.raw(CREATE_SEEDS_TABLE);
      let count = 0;
      for (const file of pending) if (await this.applyOnce(tenantDatabase, file)) count += 1;
      return count;
    } finally {
      await tenantDatabase.destroy();
    }
  }

  /** The record goes in first: a seed recorded meanwhile by someone else is not run again. */
  private async applyOnce(tenantDatabase: Knex, file: string): Promise<boolean> {
    const seed = await this.source.loadSeed(file);
    return tenantDatabase.transaction(async (trx) => {
      const recorded = await trx.raw<{ rows: unknown[] }>(RECORD_SEED, [this.source.getMigrationName(file)]);
      if (recorded.rows.length === 0) return false;
      await seed(trx);
      return true;
    });
  }
}

/** The names of the seeds applied to the database; none before its first. */
async function appliedSeeds(client: Client): Promise<Set<string>> {
  try {
    const result = await client.query<{ name: string }>('SELECT name FROM tenant_seeds');
    return new Set(result.rows.map((row) => row.name));
  } catch (error) {
    if ((error as { code?: string }).code === UNDEFINED_TABLE) return new Set();
    throw error;
  }
}

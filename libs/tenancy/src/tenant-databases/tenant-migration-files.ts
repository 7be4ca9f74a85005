import { Inject, Injectable } from '@nestjs/common';
import type { Client } from 'pg';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { DirectoryMigrationSource, MigrationSnapshot } from '../postgres/directory-migration-source';
import type { SchemaVersion } from '../registry/tenant';
import { appliedMigrations } from './knex-migrations-table';

/**
 * The tenant migration files as data: their names, their fingerprint, and which of them a
 * database lacks. Nothing here loads or runs a migration, so the api and the CLI may hold it
 * without the migrator (and without TypeScript loaders).
 */
@Injectable()
export class TenantMigrationFiles {
  private readonly source: DirectoryMigrationSource;
  private lastRead?: Promise<MigrationSnapshot>;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'tenants'>) {
    this.source = new DirectoryMigrationSource(config.tenants.migrationsDir);
  }

  /** Migration names, in the order they apply. */
  async names(): Promise<string[]> {
    return (await this.source.getMigrations()).map((file) => this.source.getMigrationName(file));
  }

  /** The version of a database that has every migration. */
  version(): Promise<SchemaVersion> {
    return this.source.version();
  }

  /**
   * The files as last read, when their fingerprint is `fingerprint`; read again otherwise (a file
   * added, removed or edited since), and returned whatever they now are. A rollout reads its
   * files once per process instead of once per tenant.
   */
  async matching(fingerprint: string | null): Promise<MigrationSnapshot> {
    const last = await this.lastRead?.catch(() => undefined);
    if (last && last.version.fingerprint === fingerprint) return last;
    this.lastRead = this.source.snapshot();
    return this.lastRead;
  }

  /** The version of a database that has exactly `applied` (after a rollback, say). */
  async versionOf(applied: string[]): Promise<SchemaVersion> {
    const has = new Set(applied);
    const fingerprint = await this.source.fingerprint(has);
    return { migration: applied.at(-1) ?? null, fingerprint };
  }

  /** The migrations the database `client` is connected to lacks: one read, no lock taken. */
  async pendingIn(client: Client): Promise<string[]> {
    const [expected, applied] = await Promise.all([this.names(), appliedMigrations(client)]);
    const has = new Set(applied);
    return expected.filter((name) => !has.has(name));
  }
}

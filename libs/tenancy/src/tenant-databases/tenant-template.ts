import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { AdvisoryLock } from '../master/advisory-lock';
import type { SchemaVersion } from '../registry/tenant';
import { LOCK_KEYS } from '../master/lock-keys';
import { InternalDatabaseNames } from './internal-database-names';
import { TenantDatabaseAdmin } from './tenant-database.admin';
import { TenantServerCatalog } from './tenant-server.catalog';
import { TenantSchemaMigrator } from './tenant-schema.migrator';
import { TenantSeeder } from './tenant-seeder';

/** Changes when the way templates are built changes, so that one built the old way is rebuilt. */
const COMMENT_PREFIX = 'tenancy template v3 ';

/**
 * PostgreSQL's predefined role whose one member, in each database, is that database's owner. The
 * template's tables belong to it, so each copy's tables belong to whoever owns the copy: the
 * tenant's role once the copy is handed over, with no connection into the copy to reassign them.
 */
const DATABASE_OWNER = 'pg_database_owner';

/**
 * A database with every tenant migration and seed applied, which new tenant databases are cloned
 * from (as pgtestdb and IntegreSQL do). It is rebuilt whenever the tenant migrations or seeds change.
 * Its tables belong to pg_database_owner (PostgreSQL 14+), as its public schema does: a copy is
 * current and its owner's as soon as it is made and handed over.
 */
export class TenantTemplate {
  private readonly logger = new Logger(TenantTemplate.name);
  private readonly names: InternalDatabaseNames;
  private fingerprint?: Promise<string>;
  private migrations?: Promise<SchemaVersion>;

  constructor(
    private readonly config: Pick<AppConfig, 'tenants'>,
    private readonly admin: TenantDatabaseAdmin,
    private readonly catalog: TenantServerCatalog,
    private readonly migrator: TenantSchemaMigrator,
    private readonly seeder: TenantSeeder,
    private readonly lock: AdvisoryLock,
    private readonly server: string,
  ) {
    this.names = new InternalDatabaseNames(config.tenants.databasePrefix);
  }

  /** The fingerprint of the tenant migrations and seeds this process runs. */
  currentFingerprint(): Promise<string> {
    this.fingerprint ??= this.computeFingerprint();
    return this.fingerprint;
  }

  /** Where the template's copies (warm spares included) stand: the migrations as read with the fingerprint. */
  async schemaVersion(): Promise<SchemaVersion> {
    await this.currentFingerprint();
    return this.migrations!;
  }

  /**
   * Whether the migration and seed files are still those this process built or checked the
   * template against: a copy made from it is then current. Read again each time (a file added
   * since start-up is caught up in the copy, as in any database the template did not make).
   */
  async filesUnchanged(): Promise<boolean> {
    const [now, then] = await Promise.all([this.readFingerprint(this.migrator.version()), this.currentFingerprint()]);
    return now === then;
  }

  private computeFingerprint(): Promise<string> {
    this.migrations = this.migrator.version();
    return this.readFingerprint(this.migrations);
  }

  /** The migrations' alone while no seed runs, so that a template built before seeds existed stays current. */
  private async readFingerprint(migrationsVersion: Promise<SchemaVersion>): Promise<string> {
    const [{ fingerprint: migrations }, seeds] = await Promise.all([migrationsVersion, this.seeder.fingerprint()]);
    if (seeds === undefined) return migrations;
    return createHash('sha256').update(`migrations\0${migrations}\0seeds\0${seeds}`).digest('hex');
  }

  /**
   * The template's name when it exists, matches the current migrations and seeds and is the provisioner's
   * own: a database of that name made by anyone else is never copied into tenants.
   */
  async usable(): Promise<string | undefined> {
    if (!this.config.tenants.templateEnabled) return undefined;
    const facts = await this.catalog.describeDatabase(this.names.template);
    const current = facts.mark === COMMENT_PREFIX + (await this.currentFingerprint());
    return current && facts.ownedByProvisioner ? this.names.template : undefined;
  }

  /** Builds the template if it is missing or stale; one builder at a time across all workers. */
  async ensureBuilt(): Promise<string | undefined> {
    if (!this.config.tenants.templateEnabled) return undefined;
    const existing = await this.usable();
    if (existing) return existing;
    const run = await this.lock.tryRunExclusive(LOCK_KEYS.template(this.config.tenants.databasePrefix, this.server), async () => {
      return (await this.usable()) ?? this.build();
    });
    return run.acquired ? run.value : undefined;
  }

  private async build(): Promise<string> {
    const started = Date.now();
    const { template, templateBuild, templateOwner } = this.names;
    const fingerprint = await this.currentFingerprint();
    await this.admin.drop(templateBuild);
    // The owner role creates the tables and owns nothing else, the database never, so that
    // REASSIGN OWNED BY it moves exactly the migrations' and seeds' objects.
    await this.admin.createDatabase(templateBuild);
    await this.admin.ensureRole(templateOwner);
    await this.admin.grantCreateInPublicSchema(templateBuild, templateOwner);
    await this.migrator.migrateBeforeHandOut(templateBuild, { role: templateOwner });
    await this.seeder.seedBeforeHandOut(templateBuild, templateOwner);
    await this.admin.revokeCreateInPublicSchema(templateBuild, templateOwner);
    await this.admin.reassignInside(templateBuild, templateOwner, DATABASE_OWNER);
    await this.admin.compact(templateBuild);
    await this.admin.drop(template);
    await this.admin.renameDatabase(templateBuild, template);
    await this.admin.markTemplate(template, COMMENT_PREFIX + fingerprint);
    this.logger.log({ template, fingerprint: fingerprint.slice(0, 12), ms: Date.now() - started }, 'tenant template built');
    return template;
  }

  /**
   * The role that owned the tables of templates built before they belonged to pg_database_owner
   * (so of copies an earlier attempt may have left), once a template was ever built.
   */
  async existingOwnerRole(): Promise<string | undefined> {
    const role = this.names.templateOwner;
    return (await this.catalog.describeRole(role)) ? role : undefined;
  }
}

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
const COMMENT_PREFIX = 'tenancy template v2 ';

/**
 * A database with every tenant migration and seed applied, which new tenant databases are cloned
 * from (as pgtestdb and IntegreSQL do). It is rebuilt whenever the tenant migrations or seeds change.
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

  /** The migrations' alone while no seed runs, so that a template built before seeds existed stays current. */
  private async computeFingerprint(): Promise<string> {
    this.migrations = this.migrator.version();
    const [{ fingerprint: migrations }, seeds] = await Promise.all([this.migrations, this.seeder.fingerprint()]);
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
    // The owner role owns the tables and nothing else, the database never: REASSIGN OWNED BY it,
    // run in every copy, also moves shared objects such as databases.
    await this.admin.createDatabase(templateBuild);
    await this.admin.ensureRole(templateOwner);
    await this.admin.grantCreateInPublicSchema(templateBuild, templateOwner);
    await this.migrator.migrateBeforeHandOut(templateBuild, { role: templateOwner });
    await this.seeder.seedBeforeHandOut(templateBuild, templateOwner);
    await this.admin.revokeCreateInPublicSchema(templateBuild, templateOwner);
    await this.admin.compact(templateBuild);
    await this.admin.drop(template);
    await this.admin.renameDatabase(templateBuild, template);
    await this.admin.markTemplate(template, COMMENT_PREFIX + fingerprint);
    this.logger.log({ template, fingerprint: fingerprint.slice(0, 12), ms: Date.now() - started }, 'tenant template built');
    return template;
  }

  /** The role owning the template's tables, and so every copy's until they are handed over. */
  get ownerRole(): string {
    return this.names.templateOwner;
  }

  /** The owner role, once a template was ever built. */
  async existingOwnerRole(): Promise<string | undefined> {
    return (await this.catalog.describeRole(this.ownerRole)) ? this.ownerRole : undefined;
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { TenantDatabaseAdmin } from './tenant-database.admin';
import { TenantSchemaMigrator } from './tenant-schema.migrator';
import { TenantTemplate } from './tenant-template';
import { WarmPool } from './warm-pool';

/** How the tenant's database came to be, fastest first. */
export type DatabaseOrigin = 'existing' | 'pool' | 'template' | 'created';

export interface MaterializedDatabase {
  origin: DatabaseOrigin;
  /** Set when a warm spare was taken: its role logs in with this password, not the one asked for. */
  sealedPassword?: string;
}

export interface TenantDatabaseSpec {
  dbName: string;
  role: string;
  password: string;
}

/** The template is being rebuilt or dropped right now, or someone is connected to it. */
const TEMPLATE_BUSY_CODES = new Set(['55006', '3D000']);

/**
 * The database half of provisioning, each step repeatable. The database left by an earlier
 * attempt is reused as it is, else a warm spare is taken, else the template is cloned, else the
 * database is created empty; then it is given to the tenant's role and brought up to date.
 */
@Injectable()
export class TenantDatabaseProvisioner {
  private readonly logger = new Logger(TenantDatabaseProvisioner.name);

  constructor(
    private readonly admin: TenantDatabaseAdmin,
    private readonly migrator: TenantSchemaMigrator,
    private readonly template: TenantTemplate,
    private readonly pool: WarmPool,
  ) {}

  /** Makes the tenant's role and database and gives the one to the other. */
  async createDatabase({ dbName, role, password }: TenantDatabaseSpec): Promise<MaterializedDatabase> {
    const state = await this.admin.state(dbName);
    if (state === 'invalid') {
      this.logger.warn({ dbName }, 'database left invalid by an interrupted operation; rebuilding it');
      await this.admin.drop(dbName);
    }
    if (state !== 'valid') {
      const sealedPassword = await this.pool.claim(dbName, role);
      if (sealedPassword) return { origin: 'pool', sealedPassword };
    }
    const origin = state === 'valid' ? 'existing' : await this.createMissing(dbName);
    await this.admin.giveDatabaseTo(dbName, role, password);
    return { origin };
  }

  private async createMissing(dbName: string): Promise<DatabaseOrigin> {
    if (await this.cloneTemplate(dbName)) return 'template';
    await this.admin.createDatabase(dbName);
    return 'created';
  }

  private async cloneTemplate(dbName: string): Promise<boolean> {
    const template = await this.template.usable();
    if (!template) return false;
    try {
      return await this.admin.createDatabase(dbName, { template });
    } catch (error) {
      if (!TEMPLATE_BUSY_CODES.has((error as { code?: string }).code ?? '')) throw error;
      this.logger.warn({ dbName, err: error }, 'template busy; creating the database without it');
      return false;
    }
  }

  /**
   * Applies the tenant migrations not applied yet. A spare is current by construction (its
   * name carries the template's fingerprint); a template copy's tables are handed to the
   * tenant's role and the migrations confirmed.
   */
  async migrate(spec: TenantDatabaseSpec, origin: DatabaseOrigin): Promise<void> {
    if (origin === 'pool') return;
    await this.migrator.migrateToLatest(spec.dbName, {
      role: spec.role,
      reassignFrom: await this.ownerOfCopiedTables(origin),
      freeStaleLock: origin === 'existing',
    });
  }

  /** A template copy's tables belong to the template's owner role until handed over. */
  private async ownerOfCopiedTables(origin: DatabaseOrigin): Promise<string | undefined> {
    if (origin === 'template') return this.template.ownerRole;
    // An earlier attempt's database may or may not have been a copy.
    return origin === 'existing' ? this.template.existingOwnerRole() : undefined;
  }
}

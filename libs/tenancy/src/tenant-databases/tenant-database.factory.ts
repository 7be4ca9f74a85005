import { Injectable, Logger } from '@nestjs/common';
import { TenantDatabaseAdmin } from './tenant-database.admin';
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
 * Makes sure the tenant's database exists and belongs to the tenant's role: one left by an
 * earlier attempt is reused as it is, else a warm spare is taken, else the template is cloned,
 * else the database is created empty.
 */
@Injectable()
export class TenantDatabaseFactory {
  private readonly logger = new Logger(TenantDatabaseFactory.name);

  constructor(
    private readonly admin: TenantDatabaseAdmin,
    private readonly template: TenantTemplate,
    private readonly pool: WarmPool,
  ) {}

  async materialize({ dbName, role, password }: TenantDatabaseSpec): Promise<MaterializedDatabase> {
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
}

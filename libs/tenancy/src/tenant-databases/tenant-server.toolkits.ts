import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { Knex } from 'knex';
import { Pool } from 'pg';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { AdvisoryLock } from '../master/advisory-lock';
import { MASTER_KNEX } from '../master/master-database.tokens';
import type { Tenant } from '../registry/tenant';
import { TenantSecretCipher } from '../secrets/tenant-secret.cipher';
import { DatabaseServerDirectory } from '../servers/database-server.directory';
import { SERVER_STATES } from '../servers/database-server';
import { DatabaseServerRepository } from '../servers/database-server.repository';
import { TenantAccessAdmin } from './tenant-access.admin';
import { TenantDatabaseAdmin } from './tenant-database.admin';
import { TenantDatabaseProvisioner } from './tenant-database.provisioner';
import { TenantSchemaMigrator } from './tenant-schema.migrator';
import { TenantSeeder } from './tenant-seeder';
import { TenantServerCatalog } from './tenant-server.catalog';
import { TenantTemplate } from './tenant-template';
import { WarmPool, WarmPoolLevel } from './warm-pool';
import { WarmSpareRepository } from './warm-spare.repository';

const logger = new Logger('TenantServerToolkits');
/** A server that does not answer within this is reported down, not waited for. */
const CONNECT_TIMEOUT_MS = 5000;

/** Everything the provisioner does on one server, over its own connections there. */
export interface TenantServerToolkit {
  readonly server: string;
  readonly catalog: TenantServerCatalog;
  readonly admin: TenantDatabaseAdmin;
  readonly access: TenantAccessAdmin;
  readonly migrator: TenantSchemaMigrator;
  readonly seeder: TenantSeeder;
  readonly template: TenantTemplate;
  readonly warmPool: WarmPool;
  readonly provisioner: TenantDatabaseProvisioner;
}

export type ServerWarmPoolLevel = WarmPoolLevel & { server: string };

/**
 * The provisioner's tools for each database server, made the first time a server is needed and
 * kept: one small pg pool per server (the worker's concurrency + 2), a template and a warm pool
 * per server. Only processes that make databases and roles — the worker — have this.
 */
@Injectable()
export class TenantServerToolkits implements OnApplicationShutdown {
  private readonly toolkits = new Map<string, Promise<TenantServerToolkit>>();
  private readonly pools = new Set<Pool>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'tenants' | 'tenantServer' | 'provisioning'>,
    @Inject(MASTER_KNEX) private readonly master: Knex,
    private readonly servers: DatabaseServerRepository,
    private readonly directory: DatabaseServerDirectory,
    private readonly lock: AdvisoryLock,
    private readonly cipher: TenantSecretCipher,
  ) {}

  for(server: string): Promise<TenantServerToolkit> {
    let toolkit = this.toolkits.get(server);
    if (!toolkit) {
      toolkit = this.build(server);
      // A server not found (or its URL not opened) is not remembered: it may be registered a moment later.
      toolkit.catch(() => this.toolkits.delete(server));
      this.toolkits.set(server, toolkit);
    }
    return toolkit;
  }

  /** The tools for the server a provisioned tenant's database is on. */
  forTenant(tenant: Pick<Tenant, 'id' | 'server'>): Promise<TenantServerToolkit> {
    if (!tenant.server) return Promise.reject(new Error(`tenant ${tenant.id} has no database server: it was never provisioned`));
    return this.for(tenant.server);
  }

  /** The servers that hold or take tenants (all but the disabled). */
  inUse(): Promise<string[]> {
    return this.servers.namesIn(SERVER_STATES.filter((state) => state !== 'disabled'));
  }

  /** The servers that take new tenants: each keeps a current template and a warm pool. */
  async accepting(): Promise<TenantServerToolkit[]> {
    const active = await this.servers.namesIn(['active']);
    return Promise.all(active.map((server) => this.for(server)));
  }

  /** The warm pool's level on each server taking new tenants. */
  async warmPoolLevels(): Promise<ServerWarmPoolLevel[]> {
    const toolkits = await this.accepting();
    return Promise.all(toolkits.map(async ({ server, warmPool }) => ({ server, ...(await warmPool.level()) })));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.pools].map((pool) => pool.end()));
  }

  private async build(server: string): Promise<TenantServerToolkit> {
    const maintenanceUrl = await this.directory.adminUrl(server);
    const config = { ...this.config, tenantServer: { maintenanceUrl } };
    const pool = new Pool({
      connectionString: maintenanceUrl,
      max: this.config.provisioning.workerConcurrency + 2,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    // An idle client whose server went away emits 'error'; unheard, it would crash the process.
    pool.on('error', (error) => logger.warn({ err: error, server }, 'idle database server connection lost'));
    this.pools.add(pool);
    const catalog = new TenantServerCatalog(pool);
    const admin = new TenantDatabaseAdmin(pool, catalog, config);
    const migrator = new TenantSchemaMigrator(config);
    const seeder = new TenantSeeder(config);
    const template = new TenantTemplate(config, admin, catalog, migrator, seeder, this.lock, server);
    const spares = new WarmSpareRepository(this.master, server);
    const warmPool = new WarmPool(config, admin, catalog, template, this.lock, this.cipher, spares, server);
    const provisioner = new TenantDatabaseProvisioner(config, admin, catalog, migrator, seeder, template, warmPool);
    const access = new TenantAccessAdmin(pool, catalog);
    return { server, catalog, admin, access, migrator, seeder, template, warmPool, provisioner };
  }
}

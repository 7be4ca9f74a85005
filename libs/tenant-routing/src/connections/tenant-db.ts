import { Injectable, NotFoundException } from '@nestjs/common';
import type { Knex } from 'knex';
import { ClsService } from 'nestjs-cls';
import { CurrentTenant, TENANT_CONTEXT, TenantContext } from '../context/tenant-context';
import { TenantDirectory } from '../directory/tenant-directory';
import { admissionRefusal } from '../directory/tenant-admission';
import { TenantPools } from './tenant-pools';

export class NoTenantContextError extends Error {
  constructor() {
    super('no tenant in this context: TenantDb is used outside a tenant request (a @NoTenant() route?) and outside TenantDb.runFor');
    this.name = 'NoTenantContextError';
  }
}

/**
 * The current tenant's database, connected as the tenant's own role. Inject it anywhere (it is
 * a singleton: the tenant comes from the request's async context, not from request scope).
 * Outside a tenant's context it throws; it never falls back to another database.
 */
@Injectable()
export class TenantDb {
  constructor(
    private readonly cls: ClsService,
    private readonly directory: TenantDirectory,
    private readonly pools: TenantPools,
  ) {}

  /** The Knex of the tenant this request is for. */
  knex(): Knex {
    return this.context().knex;
  }

  tenant(): CurrentTenant {
    return this.context().tenant;
  }

  /**
   * Runs work for a tenant outside any request (a job, a script), with the same context,
   * checks and pool as a request for it would have.
   */
  async runFor<T>(reference: string, work: (knex: Knex) => Promise<T>): Promise<T> {
    const tenant = await this.directory.find(reference);
    if (!tenant) throw new NotFoundException(`no tenant ${reference}`);
    const refusal = admissionRefusal(tenant);
    if (refusal) throw refusal.error;
    const lease = this.pools.lease({ ...tenant, dbPasswordEncrypted: tenant.dbPasswordEncrypted! });
    try {
      return await this.cls.run(async () => {
        this.cls.set<TenantContext>(TENANT_CONTEXT, { tenant: { id: tenant.id, slug: tenant.slug }, knex: lease.knex });
        return work(lease.knex);
      });
    } finally {
      lease.release();
    }
  }

  private context(): TenantContext {
    const context = this.cls.isActive() ? this.cls.get<TenantContext | undefined>(TENANT_CONTEXT) : undefined;
    if (!context) throw new NoTenantContextError();
    return context;
  }
}

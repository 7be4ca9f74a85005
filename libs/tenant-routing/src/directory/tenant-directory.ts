import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, Tenant, TenantRepository } from '@app/tenancy';
import { LRUCache } from 'lru-cache';

export type RoutedTenant = Pick<
  Tenant,
  'id' | 'slug' | 'status' | 'operation' | 'moveTarget' | 'dbName' | 'dbRole' | 'dbPasswordEncrypted' | 'server'
>;

/** How many references (ids and slugs, known or not) one process remembers. */
const MAX_CACHED_REFERENCES = 10_000;

interface Lookup {
  tenant?: RoutedTenant;
}

/**
 * Finds tenants by id or slug in master, and remembers the answer for TENANT_LOOKUP_CACHE_MS,
 * unknown references included, so a flood of requests for tenants that do not exist costs
 * master one read per reference and period. Concurrent lookups of one reference share one read.
 * Tenant events clear what changed at once (see TenantChangeListener).
 */
@Injectable()
export class TenantDirectory {
  private readonly cache: LRUCache<string, Lookup>;

  constructor(
    @Inject(APP_CONFIG) { tenantRouting }: Pick<AppConfig, 'tenantRouting'>,
    private readonly tenants: TenantRepository,
  ) {
    this.cache = new LRUCache<string, Lookup>({
      max: MAX_CACHED_REFERENCES,
      ttl: Math.max(tenantRouting.lookupCacheMs, 1),
      fetchMethod: async (reference) => {
        const tenant = await this.tenants.findByReference(reference);
        return { tenant: tenant && routed(tenant) };
      },
    });
  }

  async find(reference: string): Promise<RoutedTenant | undefined> {
    return (await this.cache.fetch(reference))?.tenant;
  }

  /** Forget everything cached about a tenant, and every "unknown" answer: it may be the new one. */
  forget(tenantId: string): void {
    for (const [reference, lookup] of this.cache.entries()) {
      if (!lookup.tenant || lookup.tenant.id === tenantId) this.cache.delete(reference);
    }
  }
}

function routed({ id, slug, status, operation, moveTarget, dbName, dbRole, dbPasswordEncrypted, server }: Tenant): RoutedTenant {
  return { id, slug, status, operation, moveTarget, dbName, dbRole, dbPasswordEncrypted, server };
}

import { Injectable } from '@nestjs/common';
import { Tenant, TenantListQuery, TenantPage, TenantRepository } from '@app/tenancy';

/** `ready` is final: only a credentials rotation still touches the row (its updatedAt). */
const READY_TTL_MS = 1000;
const MAX_ENTRIES = 10_000;

/**
 * The api's read side of the registry. Repeated reads of a `ready` tenant are answered from
 * memory for up to a second; unsettled tenants are always read from the master database, so a
 * poller sees every change at once.
 */
@Injectable()
export class TenantReads {
  private readonly entries = new Map<string, { tenant: Tenant; expiresAt: number }>();

  constructor(private readonly tenants: TenantRepository) {}

  async get(id: string): Promise<Tenant> {
    const cached = this.entries.get(id);
    if (cached && cached.expiresAt > Date.now()) return cached.tenant;
    const tenant = await this.tenants.getById(id);
    this.entries.delete(id);
    if (tenant.status === 'ready') {
      if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(id, { tenant, expiresAt: Date.now() + READY_TTL_MS });
    }
    return tenant;
  }

  /** Straight from the registry, never from memory. */
  current(id: string): Promise<Tenant> {
    return this.tenants.getById(id);
  }

  list(query: TenantListQuery): Promise<TenantPage> {
    return this.tenants.list(query);
  }

  forget(id: string): void {
    this.entries.delete(id);
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { TenantRoleLogin } from '../credentials/tenant-role-login';
import { TenantError } from '../errors/tenant-error';
import { AdvisoryLock } from '../master/advisory-lock';
import { tenantLockKey } from '../master/lock-keys';
import type { Tenant } from '../registry/tenant';
import { TenantRepository } from '../registry/tenant.repository';
import { TenantSeeder } from '../tenant-databases/tenant-seeder';

export interface TenantSeedReport {
  /** Tenants that now have every seed, whether any was new to them or not. */
  seeded: number;
  /** Seeds applied, summed over those tenants. */
  applied: number;
  /** Being provisioned or migrated by someone else right now; run again later. */
  busy: string[];
  failed: { tenantId: string; error: string }[];
}

export interface SeedTenantsOptions {
  /** One tenant, by id or slug, instead of every ready one. */
  tenant?: string;
}

const PAGE_SIZE = 100;

/**
 * Applies the tenant seeds a ready tenant lacks (one added since it was provisioned), logged in as
 * the tenant's own role and holding the tenant's advisory lock, as MigrateTenants does.
 */
@Injectable()
export class SeedTenants {
  private readonly logger = new Logger(SeedTenants.name);

  constructor(
    private readonly tenants: TenantRepository,
    private readonly seeder: TenantSeeder,
    private readonly lock: AdvisoryLock,
    private readonly login: TenantRoleLogin,
  ) {}

  async execute(options: SeedTenantsOptions = {}): Promise<TenantSeedReport> {
    const report: TenantSeedReport = { seeded: 0, applied: 0, busy: [], failed: [] };
    if (!this.seeder.enabled) return report;
    if (options.tenant !== undefined) {
      await this.seedOne(await this.named(options.tenant), report);
      return report;
    }
    let after: string | undefined;
    do {
      const page = await this.tenants.list({ status: 'ready', limit: PAGE_SIZE, after });
      for (const tenant of page.tenants) await this.seedOne(tenant, report);
      after = page.nextCursor ?? undefined;
    } while (after);
    return report;
  }

  private async named(reference: string): Promise<Tenant> {
    const tenant = await this.tenants.findByReference(reference);
    if (!tenant) throw TenantError.unknownReference(reference);
    return tenant;
  }

  private async seedOne(tenant: Tenant, report: TenantSeedReport): Promise<void> {
    // Provisioning applies the seeds of a tenant that is not ready yet; before that it has no credentials.
    if (tenant.status !== 'ready') {
      report.failed.push({ tenantId: tenant.id, error: `tenant is ${tenant.status}; its seeds run when it is provisioned` });
      return;
    }
    try {
      const run = await this.lock.tryRunExclusive(tenantLockKey(tenant.id), async () =>
        this.seeder.seedAsTenant(await this.login.url(tenant)),
      );
      if (!run.acquired) {
        report.busy.push(tenant.id);
        return;
      }
      report.seeded += 1;
      report.applied += run.value;
    } catch (error) {
      this.logger.error({ tenantId: tenant.id, err: error }, 'tenant seeding failed');
      report.failed.push({ tenantId: tenant.id, error: (error as Error).message });
    }
  }
}

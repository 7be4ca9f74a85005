import { Injectable, Logger } from '@nestjs/common';
import { AdvisoryLock } from '../master/advisory-lock';
import { TenantRepository } from '../registry/tenant.repository';
import { TenantRoleLogin } from '../credentials/tenant-role-login';
import { TenantSchemaMigrator } from '../tenant-databases/tenant-schema.migrator';
import { tenantLockKey } from '../master/lock-keys';

export interface TenantMigrationReport {
  migrated: number;
  /** Being provisioned or migrated by someone else right now; run again later. */
  busy: string[];
  failed: { tenantId: string; error: string }[];
}

const PAGE_SIZE = 100;

/** Brings every ready tenant's database up to the current tenant migrations, each as its own role. */
@Injectable()
export class MigrateTenants {
  private readonly logger = new Logger(MigrateTenants.name);

  constructor(
    private readonly tenants: TenantRepository,
    private readonly migrator: TenantSchemaMigrator,
    private readonly lock: AdvisoryLock,
    private readonly login: TenantRoleLogin,
  ) {}

  async execute(): Promise<TenantMigrationReport> {
    const report: TenantMigrationReport = { migrated: 0, busy: [], failed: [] };
    let after: string | undefined;
    do {
      const page = await this.tenants.list({ status: 'ready', limit: PAGE_SIZE, after });
      for (const tenant of page.tenants) {
        try {
          const run = await this.lock.tryRunExclusive(tenantLockKey(tenant.id), () =>
            this.migrator.migrateAsTenant(this.login.url(tenant)),
          );
          if (run.acquired) report.migrated += 1;
          else report.busy.push(tenant.id);
        } catch (error) {
          this.logger.error({ tenantId: tenant.id, err: error }, 'tenant migration failed');
          report.failed.push({ tenantId: tenant.id, error: (error as Error).message });
        }
      }
      after = page.nextCursor ?? undefined;
    } while (after);
    return report;
  }
}

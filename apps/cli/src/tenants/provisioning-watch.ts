import { Injectable } from '@nestjs/common';
import { ProvisioningStep, Tenant, TenantRepository } from '@app/tenancy';
import { CommandError } from '../output/command-error';
import type { Progress } from '../output/progress';

/** The steps a provisioning goes through, for a bar of how far it got. */
const STEPS: ProvisioningStep[] = ['queued', 'started', 'database_created', 'ready'];
const POLL_MS = 200;

/** Waits for a tenant's provisioning to settle by reading its master row, the truth about it. */
@Injectable()
export class ProvisioningWatch {
  constructor(private readonly tenants: TenantRepository) {}

  /** The tenant once it is no longer pending or provisioning (ready, failed or anything else). */
  async settled(tenantId: string, timeoutMs: number, progress: Progress): Promise<Tenant> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const tenant = await this.tenants.getById(tenantId);
      progress.update(Math.max(0, STEPS.indexOf(tenant.step ?? 'queued')), STEPS.length - 1);
      if (tenant.status !== 'pending' && tenant.status !== 'provisioning') return tenant;
      if (Date.now() >= deadline) {
        throw CommandError.failed(
          'wait_timeout',
          `tenant ${tenant.slug} is still ${tenant.status} (step ${tenant.step ?? 'queued'}) after ${timeoutMs / 1000} s; ` +
            `is a worker running? Follow it with: tenants show ${tenant.id}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

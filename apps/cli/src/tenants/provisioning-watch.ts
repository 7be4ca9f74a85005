import { Injectable } from '@nestjs/common';
import { ProvisioningStep, Tenant, TenantRepository } from '@app/tenancy';
import { follow } from '../command/follow';
import { CommandError } from '../output/command-error';
import type { Progress } from '../output/progress';

/** The steps a provisioning goes through, for a bar of how far it got. */
const STEPS: ProvisioningStep[] = ['queued', 'started', 'database_created', 'ready'];

/** Waits for a tenant's provisioning to settle by reading its master row, the truth about it. */
@Injectable()
export class ProvisioningWatch {
  constructor(private readonly tenants: TenantRepository) {}

  /** The tenant once it is no longer pending or provisioning (ready, failed or anything else). */
  settled(tenantId: string, timeoutMs: number | undefined, progress: Progress): Promise<Tenant> {
    return follow({
      read: () => this.tenants.getById(tenantId),
      done: (tenant) => tenant.status !== 'pending' && tenant.status !== 'provisioning',
      seen: (tenant) => progress.update(Math.max(0, STEPS.indexOf(tenant.step ?? 'queued')), STEPS.length - 1),
      timeoutMs,
      everyMs: 200,
      timedOut: (tenant, seconds) =>
        CommandError.failed(
          'wait_timeout',
          `tenant ${tenant.slug} is still ${tenant.status} (step ${tenant.step ?? 'queued'}) after ${seconds} s; ` +
            `is a worker running? Follow it with: tenants show ${tenant.id}`,
        ),
    });
  }
}

import { Injectable } from '@nestjs/common';
import { TenantError } from '../errors/tenant-error';
import { TenantRepository } from '../registry/tenant.repository';
import { QueuedTenant, TenantEnqueuer } from './tenant-enqueuer';

/** Starts a `failed` tenant's provisioning again from the beginning. */
@Injectable()
export class RetryTenant {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly enqueuer: TenantEnqueuer,
  ) {}

  async execute(tenantId: string): Promise<QueuedTenant> {
    const tenant = await this.tenants.getById(tenantId);
    if (!(await this.tenants.resetFailed(tenantId))) throw TenantError.notFailed(tenantId, tenant.status);
    const reset = await this.tenants.getById(tenantId);
    return { tenant: reset, jobId: await this.enqueuer.ensureQueued(reset) };
  }
}

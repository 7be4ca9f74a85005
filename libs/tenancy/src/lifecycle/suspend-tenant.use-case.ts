import { Injectable } from '@nestjs/common';
import { TenantError } from '../errors/tenant-error';
import { TenantLifecycleRepository } from '../registry/tenant-lifecycle.repository';
import { AcceptedOperation, LifecycleRequests, RequestRule } from './lifecycle-requests';

const SUSPEND: RequestRule = {
  operation: 'suspend',
  allowed: (tenant) => tenant.status === 'ready' && !tenant.operation,
  refusal: (tenant) => TenantError.wrongStatus(tenant.id, tenant.status, 'only a ready tenant can be suspended'),
};

/**
 * Suspends a ready tenant: `suspended` in master at once (tenant apps answer 403 from then on),
 * then the worker makes its role unable to log in and ends its open sessions. Undone by ResumeTenant.
 */
@Injectable()
export class SuspendTenant {
  constructor(
    private readonly requests: LifecycleRequests,
    private readonly lifecycle: TenantLifecycleRepository,
  ) {}

  /** `tenant`: an id or a slug. */
  async execute(tenant: string): Promise<AcceptedOperation> {
    const found = await this.requests.find(tenant);
    return this.requests.accept(found, SUSPEND, () => this.lifecycle.requestSuspend(found.id));
  }
}

import { Injectable } from '@nestjs/common';
import { TenantError } from '../errors/tenant-error';
import { TenantLifecycleRepository } from '../registry/tenant-lifecycle.repository';
import { AcceptedOperation, LifecycleRequests, RequestRule } from './lifecycle-requests';

const RESUME: RequestRule = {
  operation: 'resume',
  allowed: (tenant) => tenant.status === 'suspended' && !tenant.operation,
  refusal: (tenant) => TenantError.wrongStatus(tenant.id, tenant.status, 'only a suspended tenant can be resumed'),
};

/** Resumes a suspended tenant: it stays `suspended` until the worker has let its role log in again, then is `ready`. */
@Injectable()
export class ResumeTenant {
  constructor(
    private readonly requests: LifecycleRequests,
    private readonly lifecycle: TenantLifecycleRepository,
  ) {}

  /** `tenant`: an id or a slug. */
  async execute(tenant: string): Promise<AcceptedOperation> {
    const found = await this.requests.find(tenant);
    return this.requests.accept(found, RESUME, () => this.lifecycle.requestResume(found.id));
  }
}

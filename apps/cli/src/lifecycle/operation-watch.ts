import { Injectable } from '@nestjs/common';
import { Tenant, TenantRepository } from '@app/tenancy';
import { CommandError } from '../output/command-error';

const POLL_MS = 250;

/** Waits for a lifecycle operation to end by reading the tenant's master row, the truth about it. */
@Injectable()
export class OperationWatch {
  constructor(private readonly tenants: TenantRepository) {}

  /** The tenant once no operation is recorded on it: done, or given up (with `operationError`). */
  async finished(tenantId: string, timeoutMs: number): Promise<Tenant> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const tenant = await this.tenants.getById(tenantId);
      if (!tenant.operation) return tenant;
      if (Date.now() >= deadline) {
        const lastError = tenant.operationError ? `; its last attempt failed: ${tenant.operationError}` : '; is a worker running?';
        throw CommandError.failed(
          'wait_timeout',
          `the ${tenant.operation} of tenant ${tenant.slug} is still under way after ${timeoutMs / 1000} s${lastError}. ` +
            `It goes on without you; follow it with: tenants show ${tenant.id}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

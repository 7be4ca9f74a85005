import { Injectable } from '@nestjs/common';
import { Tenant, TenantRepository } from '@app/tenancy';
import { follow } from '../command/follow';
import { CommandError } from '../output/command-error';

/** Waits for a lifecycle operation to end by reading the tenant's master row, the truth about it. */
@Injectable()
export class OperationWatch {
  constructor(private readonly tenants: TenantRepository) {}

  /** The tenant once no operation is recorded on it: done, or given up (with `operationError`). */
  finished(tenantId: string, timeoutMs: number | undefined): Promise<Tenant> {
    return follow({
      read: () => this.tenants.getById(tenantId),
      done: (tenant) => !tenant.operation,
      timeoutMs,
      everyMs: 250,
      timedOut: (tenant, seconds) => {
        const lastError = tenant.operationError ? `; its last attempt failed: ${tenant.operationError}` : '; is a worker running?';
        return CommandError.failed(
          'wait_timeout',
          `the ${tenant.operation} of tenant ${tenant.slug} is still under way after ${seconds} s${lastError}. ` +
            `It goes on without you; follow it with: tenants show ${tenant.id}`,
        );
      },
    });
  }
}

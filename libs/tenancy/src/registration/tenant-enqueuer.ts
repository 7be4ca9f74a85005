import { Injectable, Logger } from '@nestjs/common';
import { TenantError } from '../errors/tenant-error';
import { ProvisioningQueue } from '../provisioning/provisioning-queue.service';
import { provisionJobId } from '../provisioning/provisioning.constants';
import type { Tenant } from '../registry/tenant';

export interface QueuedTenant {
  tenant: Tenant;
  jobId: string;
  /** True when an Idempotency-Key matched an earlier request and this is its tenant again. */
  replayed?: boolean;
}

/** Puts a recorded tenant in the provisioning queue; a queue outage becomes `queue_unavailable`. */
@Injectable()
export class TenantEnqueuer {
  private readonly logger = new Logger(TenantEnqueuer.name);

  constructor(private readonly queue: ProvisioningQueue) {}

  /** For a tenant just registered, which cannot have a job yet. */
  enqueueNew(tenant: Tenant): Promise<string> {
    return this.mapOutage(tenant, () => this.queue.enqueueNew(tenant.id));
  }

  /** Makes sure the tenant has a live job, replacing a finished one. */
  ensureQueued(tenant: Tenant): Promise<string> {
    return this.mapOutage(tenant, () => this.queue.enqueue(tenant.id));
  }

  /** A pending tenant may be one whose enqueue failed the first time: queueing it again is the retry. */
  async ensureQueuedIfPending(tenant: Tenant): Promise<QueuedTenant> {
    const jobId = tenant.status === 'pending' ? await this.ensureQueued(tenant) : provisionJobId(tenant.id);
    return { tenant, jobId };
  }

  private async mapOutage(tenant: Tenant, enqueue: () => Promise<string>): Promise<string> {
    try {
      return await enqueue();
    } catch (error) {
      this.logger.error({ err: error, tenantId: tenant.id }, 'could not enqueue provisioning job');
      throw TenantError.queueUnavailable(tenant.id);
    }
  }
}

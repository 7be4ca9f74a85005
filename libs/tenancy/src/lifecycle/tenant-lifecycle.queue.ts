import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import type { TenantOperation } from '../registry/tenant';
import { lifecycleJobId, TENANT_LIFECYCLE_JOB, TENANT_LIFECYCLE_QUEUE, TenantLifecycleJob } from './lifecycle.constants';

const FINISHED_STATES = new Set(['completed', 'failed']);

/** The only way into the lifecycle queue. */
@Injectable()
export class TenantLifecycleQueue {
  constructor(
    @InjectQueue(TENANT_LIFECYCLE_QUEUE) private readonly queue: Queue<TenantLifecycleJob>,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'provisioning'>,
  ) {}

  /**
   * Makes sure a live job exists for the tenant's operation and returns its id. A waiting,
   * delayed or active one is left alone; a finished one (kept for inspection, or from the last
   * time the tenant was suspended, say) is replaced.
   */
  async enqueue(tenantId: string, operation: TenantOperation): Promise<string> {
    const jobId = lifecycleJobId(tenantId, operation);
    const existing = await this.queue.getJob(jobId);
    if (existing && FINISHED_STATES.has(await existing.getState())) await existing.remove();
    await this.queue.add(
      TENANT_LIFECYCLE_JOB,
      { tenantId, operation },
      {
        jobId,
        attempts: this.config.provisioning.attempts,
        backoff: { type: 'exponential', delay: this.config.provisioning.backoffMs },
        removeOnComplete: { age: 24 * 3600, count: 10_000 },
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    );
    return jobId;
  }
}

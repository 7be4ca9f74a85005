import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { SpanKind } from '@opentelemetry/api';
import { Queue } from 'bullmq';
import { APP_CONFIG } from '../config/config.tokens';
import type { AppConfig } from '../config/app-config';
import { jobTelemetry } from '../tracing/job-trace-context';
import { inSpan } from '../tracing/tracer';
import { PROVISION_TENANT_JOB, PROVISIONING_QUEUE, ProvisionTenantJob, provisionJobId } from './provisioning.constants';

const FINISHED_STATES = new Set(['completed', 'failed']);

/** The only way into the provisioning queue. */
@Injectable()
export class ProvisioningQueue {
  constructor(
    @InjectQueue(PROVISIONING_QUEUE) private readonly queue: Queue<ProvisionTenantJob>,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'provisioning'>,
  ) {}

  /**
   * Makes sure a live job exists for the tenant and returns its id. A waiting, delayed or active
   * job is left alone; a finished one (kept for inspection) is replaced so the tenant runs again.
   */
  async enqueue(tenantId: string): Promise<string> {
    const existing = await this.queue.getJob(provisionJobId(tenantId));
    if (existing && FINISHED_STATES.has(await existing.getState())) await existing.remove();
    return this.enqueueNew(tenantId);
  }

  /** Whether jobs are waiting or running anywhere. */
  async isBusy(): Promise<boolean> {
    const counts = await this.queue.getJobCounts('waiting', 'active', 'prioritized');
    return Object.values(counts).some((count) => count > 0);
  }

  /** For a tenant just registered, which cannot have a job yet: one round trip to Redis. */
  async enqueueNew(tenantId: string): Promise<string> {
    const jobId = provisionJobId(tenantId);
    const attributes = { 'messaging.system': 'bullmq', 'messaging.message.id': jobId, 'tenancy.tenant_id': tenantId };
    await inSpan(`send ${PROVISIONING_QUEUE}`, { kind: SpanKind.PRODUCER, attributes }, () =>
      this.queue.add(
        PROVISION_TENANT_JOB,
        { tenantId },
        {
          jobId,
          attempts: this.config.provisioning.attempts,
          backoff: { type: 'exponential', delay: this.config.provisioning.backoffMs },
          removeOnComplete: { age: 24 * 3600, count: 10_000 },
          removeOnFail: { age: 7 * 24 * 3600 },
          telemetry: jobTelemetry(),
        },
      ),
    );
    return jobId;
  }
}

import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, OnApplicationBootstrap } from '@nestjs/common';
import {
  APP_CONFIG,
  AppConfig,
  PROVISIONING_QUEUE,
  ProvisionTenant,
  ProvisionTenantJob,
  TenantBusyError,
} from '@app/tenancy';
import { DelayedError, Job } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { Store, storage } from 'nestjs-pino/storage';

const BUSY_TENANT_RETRY_MS = 1000;

/**
 * BullMQ lock and stall settings: a worker renews its lock every lockDuration/2; when it dies,
 * another worker notices within stalledInterval after the lock lapses and runs the job again.
 */
@Processor(PROVISIONING_QUEUE, { lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 5 })
export class ProvisionTenantProcessor extends WorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly provisionTenant: ProvisionTenant,
    private readonly logger: PinoLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.workerConcurrency;
  }

  async process(job: Job<ProvisionTenantJob>, token?: string): Promise<void> {
    const attempt = job.attemptsMade + 1;
    const final = attempt >= (job.opts.attempts ?? 1);
    const jobLogger = this.logger.logger.child({ tenantId: job.data.tenantId, jobId: job.id, attempt });
    await storage.run(new Store(jobLogger), async () => {
      try {
        await this.provisionTenant.execute({ tenantId: job.data.tenantId, final });
        jobLogger.info('tenant provisioned');
      } catch (error) {
        if (!(error instanceof TenantBusyError)) {
          jobLogger.warn({ err: error, final }, 'provisioning attempt failed');
          throw error;
        }
        // Not a failure: wait for the other holder without spending an attempt.
        await job.moveToDelayed(Date.now() + BUSY_TENANT_RETRY_MS, token);
        throw new DelayedError();
      }
    });
  }
}

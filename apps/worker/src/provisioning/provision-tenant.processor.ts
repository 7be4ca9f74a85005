import { Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, OnApplicationBootstrap } from '@nestjs/common';
import {
  APP_CONFIG,
  AppConfig,
  inJobSpan,
  isMigrationLoadError,
  isTenantError,
  PROVISIONING_QUEUE,
  ProvisionTenant,
  ProvisionTenantJob,
} from '@app/tenancy';
import { Job, UnrecoverableError } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { Store, storage } from 'nestjs-pino/storage';
import { postpone, waitWithoutSpendingAttempt } from '../jobs/job-postponement';

/**
 * BullMQ lock and stall settings: a worker renews its lock every lockDuration/2; when it dies,
 * another worker notices within stalledInterval after the lock lapses and runs the job again.
 */
@Processor(PROVISIONING_QUEUE, { lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 5 })
export class ProvisionTenantProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly provisionTenant: ProvisionTenant,
    private readonly logger: PinoLogger,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'provisioning'>,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.provisioning.workerConcurrency;
    // A job whose keys a Sentinel failover or a flush lost cannot be moved on; the reconciler re-queues its tenant.
    this.worker.on('error', (error) => this.logger.warn({ err: error }, 'provisioning queue error'));
  }

  /**
   * On SIGTERM: take no new jobs and let the active ones finish while the database pools and
   * Redis clients, closed in the next shutdown phase, are still open.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }

  async process(job: Job<ProvisionTenantJob>, token?: string): Promise<void> {
    const attempt = job.attemptsMade + 1;
    const final = attempt >= (job.opts.attempts ?? 1);
    const jobLogger = this.logger.logger.child({ tenantId: job.data.tenantId, jobId: job.id, attempt });
    const attributes = { 'tenancy.tenant_id': job.data.tenantId, 'tenancy.job.attempt': attempt };
    await inJobSpan(job, attributes, () =>
      storage.run(new Store(jobLogger), async () => {
        try {
          await this.provisionTenant.execute({ tenantId: job.data.tenantId, final });
          jobLogger.info('tenant provisioned');
        } catch (error) {
          const waitMs = waitWithoutSpendingAttempt(job, error, this.config.provisioning.backoffMs);
          if (waitMs === undefined) {
            jobLogger.warn({ err: error, final }, 'provisioning attempt failed');
            // The tenant is already `failed`; BullMQ must not spend the remaining attempts on it.
            if (isTenantError(error, 'foreign_database_object')) throw new UnrecoverableError(error.message);
            throw error;
          }
          if (isMigrationLoadError(error))
            jobLogger.error({ err: error, waitMs }, 'a tenant migration cannot be loaded; provisioning waits for it');
          else jobLogger.info({ err: error, waitMs }, 'provisioning postponed');
          await postpone(job, token, waitMs);
        }
      }),
    );
  }
}

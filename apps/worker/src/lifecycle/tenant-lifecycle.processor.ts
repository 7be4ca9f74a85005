import { Processor, WorkerHost } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Inject, OnApplicationBootstrap } from '@nestjs/common';
import {
  APP_CONFIG,
  AppConfig,
  isTenantError,
  RunLifecycleOperation,
  TENANT_LIFECYCLE_QUEUE,
  TenantLifecycleJob,
} from '@app/tenancy';
import { Job, UnrecoverableError } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { Store, storage } from 'nestjs-pino/storage';
import { postpone, waitWithoutSpendingAttempt } from '../jobs/job-postponement';

/** Suspend, resume, delete, purge and restore jobs; the same lock and stall settings as provisioning. */
@Processor(TENANT_LIFECYCLE_QUEUE, { lockDuration: 10_000, stalledInterval: 5_000, maxStalledCount: 5 })
export class TenantLifecycleProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    private readonly runOperation: RunLifecycleOperation,
    private readonly logger: PinoLogger,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'provisioning'>,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.provisioning.workerConcurrency;
  }

  /** On SIGTERM: no new jobs; the active ones finish while the connections are still open. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }

  async process(job: Job<TenantLifecycleJob>, token?: string): Promise<void> {
    const attempt = job.attemptsMade + 1;
    const final = attempt >= (job.opts.attempts ?? 1);
    const { tenantId, operation } = job.data;
    const jobLogger = this.logger.logger.child({ tenantId, jobId: job.id, attempt, operation });
    await storage.run(new Store(jobLogger), async () => {
      try {
        const done = await this.runOperation.execute({ tenantId, final });
        jobLogger.info({ done: done ?? null }, done ? `tenant ${done} done` : 'no operation recorded; nothing to do');
      } catch (error) {
        const waitMs = waitWithoutSpendingAttempt(job, error, this.config.provisioning.backoffMs);
        if (waitMs === undefined) {
          jobLogger.warn({ err: error, final }, `${operation} attempt failed`);
          if (isTenantError(error, 'foreign_database_object')) throw new UnrecoverableError(error.message);
          throw error;
        }
        jobLogger.info({ err: error, waitMs }, `${operation} postponed`);
        await postpone(job, token, waitMs);
      }
    });
  }
}

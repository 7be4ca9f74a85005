import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig, isMigrationLoadError, RolloutTenantJob, RunRolloutStep, StepRefusedError } from '@app/tenancy';
import { Job, UnrecoverableError } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import { Store, storage } from 'nestjs-pino/storage';
import { postpone, waitWithoutSpendingAttempt } from '../jobs/job-postponement';

/** One tenant of a rollout per job, on whichever server's queue FleetWorkers took it from. */
@Injectable()
export class RolloutTenantProcessor {
  constructor(
    private readonly runStep: RunRolloutStep,
    private readonly logger: PinoLogger,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'provisioning'>,
  ) {}

  async process(job: Job<RolloutTenantJob>, token?: string): Promise<void> {
    const attempt = job.attemptsMade + 1;
    const final = attempt >= (job.opts.attempts ?? 1);
    const { rolloutId, tenantId } = job.data;
    const jobLogger = this.logger.logger.child({ tenantId, rolloutId, jobId: job.id, attempt });
    await storage.run(new Store(jobLogger), async () => {
      try {
        const result = await this.runStep.execute({ rolloutId, tenantId, final });
        jobLogger.info(
          { result },
          result === 'nothing' ? 'rollout tenant settled already; nothing to do' : `rollout tenant ${result}`,
        );
      } catch (error) {
        const waitMs = waitWithoutSpendingAttempt(job, error, this.config.provisioning.backoffMs);
        if (waitMs === undefined) {
          jobLogger.warn({ err: error, final }, 'rollout tenant attempt failed');
          // Recorded as failed already: no attempt can do better.
          if (error instanceof StepRefusedError) throw new UnrecoverableError(error.message);
          throw error;
        }
        if (isMigrationLoadError(error))
          jobLogger.error({ err: error, waitMs }, 'a tenant migration cannot be loaded; the tenant waits for it');
        else jobLogger.info({ err: error, waitMs }, 'rollout tenant postponed');
        await postpone(job, token, waitMs);
      }
    });
  }
}

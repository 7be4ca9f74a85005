import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AdvisoryLock, APP_CONFIG, AppConfig, LOCK_KEYS, TenantLifecycleQueue, TenantLifecycleRepository } from '@app/tenancy';
import { PinoLogger } from 'nestjs-pino';
import { PeriodicTask } from '../scheduling/periodic-task';

/** Leaves a request the moment between recording an operation and queueing it. */
const UNTOUCHED_GRACE_MS = 5_000;
/** Deleted tenants marked for purging per round; the next round takes the next ones. */
const PURGES_PER_ROUND = 100;

/**
 * Every interval, one worker across the fleet marks the deleted tenants whose retention is over
 * for purging, and makes sure every operation recorded in master has a live job: one lost with
 * Redis, or one whose attempts ran out (a suspend, delete or purge keeps being retried until it
 * is done). Queueing is idempotent, so an operation that has its job keeps it.
 */
@Injectable()
export class LifecycleOperationsReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly schedule = new PeriodicTask(
    () => this.reconcile(),
    (error) => this.logger.warn({ err: error }, 'lifecycle reconciliation failed; will try again'),
  );

  constructor(
    private readonly lifecycle: TenantLifecycleRepository,
    private readonly queue: TenantLifecycleQueue,
    private readonly lock: AdvisoryLock,
    private readonly logger: PinoLogger,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'provisioning'>,
  ) {
    logger.setContext(LifecycleOperationsReconciler.name);
  }

  onApplicationBootstrap(): void {
    this.schedule.start(this.config.provisioning.reconcileIntervalMs, { now: true });
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.schedule.stop();
  }

  /** Returns how many operations were queued, or undefined when another worker holds the lock. */
  async reconcile(): Promise<number | undefined> {
    const run = await this.lock.tryRunExclusive(LOCK_KEYS.lifecycleReconciler, async () => {
      const due = await this.lifecycle.claimDuePurges(PURGES_PER_ROUND);
      for (const tenantId of due) await this.queue.enqueue(tenantId, 'purge');
      if (due.length) this.logger.info({ count: due.length }, 'deleted tenants past their retention queued for purging');
      const recorded = await this.lifecycle.findRecordedOperations(UNTOUCHED_GRACE_MS);
      for (const { id, operation } of recorded) await this.queue.enqueue(id, operation);
      return due.length + recorded.length;
    });
    return run.acquired ? run.value : undefined;
  }
}

import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AdvisoryLock, APP_CONFIG, AppConfig, LOCK_KEYS, ReconcileRollouts } from '@app/tenancy';
import { PinoLogger } from 'nestjs-pino';
import { PeriodicTask } from '../scheduling/periodic-task';

/**
 * Every interval, one worker across the fleet makes sure each running rollout's tenants have
 * their jobs (a worker killed, Redis flushed), moves rollouts along and completes finished ones.
 */
@Injectable()
export class RolloutsReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly schedule = new PeriodicTask(
    () => this.reconcile(),
    (error) => this.logger.warn({ err: error }, 'rollout reconciliation failed; will try again'),
  );

  constructor(
    private readonly reconcileRollouts: ReconcileRollouts,
    private readonly lock: AdvisoryLock,
    private readonly logger: PinoLogger,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'provisioning'>,
  ) {
    logger.setContext(RolloutsReconciler.name);
  }

  onApplicationBootstrap(): void {
    this.schedule.start(this.config.provisioning.reconcileIntervalMs);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.schedule.stop();
  }

  /** Returns how many jobs had to be added, or undefined when another worker holds the lock. */
  async reconcile(): Promise<number | undefined> {
    const run = await this.lock.tryRunExclusive(LOCK_KEYS.rolloutReconciler, () => this.reconcileRollouts.execute());
    if (run.acquired && run.value) this.logger.info({ added: run.value }, 'gave rollout tenants their lost jobs again');
    return run.acquired ? run.value : undefined;
  }
}

import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AdvisoryLock, APP_CONFIG, LOCK_KEYS, AppConfig, ProvisioningQueue, TenantRepository } from '@app/tenancy';
import { PinoLogger } from 'nestjs-pino';
import { PeriodicTask } from '../scheduling/periodic-task';

/** Leaves the api the moment between writing a tenant and enqueueing it. */
const UNTOUCHED_GRACE_MS = 5_000;

/**
 * The master database is the truth; Redis may forget. Every interval, one worker across the
 * fleet makes sure each pending or provisioning tenant has a live job. Enqueueing is
 * idempotent, so a tenant that already has one is left alone.
 */
@Injectable()
export class UnsettledTenantsReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly schedule = new PeriodicTask(
    () => this.reconcile(),
    (error) => this.logger.warn({ err: error }, 'reconciliation failed; will try again'),
  );

  constructor(
    private readonly tenants: TenantRepository,
    private readonly queue: ProvisioningQueue,
    private readonly lock: AdvisoryLock,
    private readonly logger: PinoLogger,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'provisioning'>,
  ) {
    logger.setContext(UnsettledTenantsReconciler.name);
  }

  onApplicationBootstrap(): void {
    this.schedule.start(this.config.provisioning.reconcileIntervalMs);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.schedule.stop();
  }

  /** Returns how many tenants were checked, or undefined when another worker holds the lock. */
  async reconcile(): Promise<number | undefined> {
    const run = await this.lock.tryRunExclusive(LOCK_KEYS.reconciler, async () => {
      const unsettled = await this.tenants.findUnsettled(UNTOUCHED_GRACE_MS);
      for (const tenantId of unsettled) await this.queue.enqueue(tenantId);
      if (unsettled.length) this.logger.info({ count: unsettled.length }, 'made sure unsettled tenants are queued');
      return unsettled.length;
    });
    return run.acquired ? run.value : undefined;
  }
}

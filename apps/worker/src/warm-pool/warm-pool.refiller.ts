import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ProvisioningQueue, TenantTemplate, WarmPool } from '@app/tenancy';
import { PinoLogger } from 'nestjs-pino';
import { PeriodicTask } from '../scheduling/periodic-task';

const REFILL_INTERVAL_MS = 1000;

/**
 * Keeps the template current and the warm pool topped up, in the background. Refilling waits
 * while tenants are queued: a spare costs a CREATE DATABASE, the same disk work as the tenants
 * in the queue, and a burst is over sooner without it.
 */
@Injectable()
export class WarmPoolRefiller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly schedule = new PeriodicTask(
    () => this.refresh(),
    (error) => this.logger.warn({ err: error }, 'could not refresh the template or the warm pool'),
  );

  constructor(
    private readonly template: TenantTemplate,
    private readonly pool: WarmPool,
    private readonly queue: ProvisioningQueue,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(WarmPoolRefiller.name);
  }

  onApplicationBootstrap(): void {
    this.schedule.start(REFILL_INTERVAL_MS, { now: true });
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.schedule.stop();
  }

  private async refresh(): Promise<unknown> {
    if (!this.pool.enabled) return this.template.ensureBuilt();
    if (await this.queue.isBusy()) return undefined;
    return this.pool.refill();
  }
}

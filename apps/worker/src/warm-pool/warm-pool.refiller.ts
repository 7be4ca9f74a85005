import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { ProvisioningQueue, TenantServerToolkit, TenantServerToolkits } from '@app/tenancy';
import { PinoLogger } from 'nestjs-pino';
import { PeriodicTask } from '../scheduling/periodic-task';

const REFILL_INTERVAL_MS = 1000;

/**
 * Keeps each active server's template current and its warm pool topped up, in the background. Refilling waits
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
    private readonly servers: TenantServerToolkits,
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

  private async refresh(): Promise<void> {
    for (const toolkit of await this.servers.accepting()) {
      // One server away must not keep the others' templates and spares from being made.
      await this.refreshOn(toolkit).catch((error: unknown) =>
        this.logger.warn({ err: error, server: toolkit.server }, 'could not refresh the template or the warm pool'),
      );
    }
  }

  private async refreshOn({ template, warmPool }: TenantServerToolkit): Promise<unknown> {
    if (!warmPool.enabled) return template.ensureBuilt();
    if (await this.queue.isBusy()) return undefined;
    return warmPool.refill();
  }
}

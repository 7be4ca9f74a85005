import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { TenantTemplate, WarmPool } from '@app/tenancy';
import { PinoLogger } from 'nestjs-pino';
import { PeriodicTask } from '../scheduling/periodic-task';

const REFILL_INTERVAL_MS = 1000;

/** Keeps the template current and the warm pool topped up, in the background. */
@Injectable()
export class WarmPoolRefiller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly schedule = new PeriodicTask(
    () => (this.pool.enabled ? this.pool.refill() : this.template.ensureBuilt()),
    (error) => this.logger.warn({ err: error }, 'could not refresh the template or the warm pool'),
  );

  constructor(
    private readonly template: TenantTemplate,
    private readonly pool: WarmPool,
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
}

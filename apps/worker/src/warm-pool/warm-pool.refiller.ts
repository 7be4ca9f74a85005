import { Injectable, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { TenantTemplate, WarmPool } from '@app/tenancy';
import { PinoLogger } from 'nestjs-pino';

const REFILL_INTERVAL_MS = 1000;

/** Keeps the template current and the warm pool topped up, in the background. */
@Injectable()
export class WarmPoolRefiller implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly template: TenantTemplate,
    private readonly pool: WarmPool,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(WarmPoolRefiller.name);
  }

  onApplicationBootstrap(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), REFILL_INTERVAL_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    this.running ??= (this.pool.enabled ? this.pool.refill() : this.template.ensureBuilt())
      .catch((error) => this.logger.warn({ err: error }, 'could not refresh the template or the warm pool'))
      .finally(() => (this.running = undefined));
  }
}

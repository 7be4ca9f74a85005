import { Inject, Injectable, Logger } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import type { Tenant } from '../registry/tenant';
import { TENANT_EVENTS_CLIENT, TenantStatusEvent, tenantStatusChannel } from './tenant-events';

const PUBLISH_TIMEOUT_MS = 1000;

/** Broadcasts tenant status changes; a lost event only delays a listener until it polls. */
@Injectable()
export class TenantEventsPublisher {
  private readonly logger = new Logger(TenantEventsPublisher.name);
  private readonly channel: string;

  constructor(
    @Inject(TENANT_EVENTS_CLIENT) private readonly client: ClientProxy,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'redis'>,
  ) {
    this.channel = tenantStatusChannel(config.redis.prefix);
  }

  async publish(tenant: Tenant): Promise<void> {
    if (tenant.status === 'pending') return;
    const event: TenantStatusEvent = {
      tenantId: tenant.id,
      status: tenant.status,
      step: tenant.step,
      attempts: tenant.attempts,
      error: tenant.lastError,
      at: new Date().toISOString(),
    };
    try {
      await firstValueFrom(this.client.emit(this.channel, event).pipe(timeout(PUBLISH_TIMEOUT_MS)), {
        defaultValue: undefined,
      });
    } catch (error) {
      this.logger.warn({ tenantId: tenant.id, err: error }, `could not publish ${tenant.status} on ${this.channel}`);
    }
  }
}

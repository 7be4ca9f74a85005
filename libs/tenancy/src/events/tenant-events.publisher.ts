import { Inject, Injectable, Logger } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import type { Tenant } from '../registry/tenant';
import {
  TENANT_EVENTS_CLIENT,
  TenantAccessChange,
  tenantAccessChannel,
  TenantAccessEvent,
  TenantStatusEvent,
  tenantStatusChannel,
} from './tenant-events';

const PUBLISH_TIMEOUT_MS = 1000;

/** Broadcasts tenant changes; a lost event only delays a listener until it polls or its cache expires. */
@Injectable()
export class TenantEventsPublisher {
  private readonly logger = new Logger(TenantEventsPublisher.name);
  private readonly statusChannel: string;
  private readonly accessChannel: string;

  constructor(
    @Inject(TENANT_EVENTS_CLIENT) private readonly client: ClientProxy,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'redis'>,
  ) {
    this.statusChannel = tenantStatusChannel(config.redis.prefix);
    this.accessChannel = tenantAccessChannel(config.redis.prefix);
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
    await this.emit(this.statusChannel, event, tenant.status);
  }

  async publishAccessChange(tenantId: string, change: TenantAccessChange, apiKeyId?: string): Promise<void> {
    const event: TenantAccessEvent = { tenantId, change, ...(apiKeyId && { apiKeyId }), at: new Date().toISOString() };
    await this.emit(this.accessChannel, event, change);
  }

  private async emit(channel: string, event: { tenantId: string }, what: string): Promise<void> {
    try {
      await firstValueFrom(this.client.emit(channel, event).pipe(timeout(PUBLISH_TIMEOUT_MS)), { defaultValue: undefined });
    } catch (error) {
      this.logger.warn({ tenantId: event.tenantId, err: error }, `could not publish ${what} on ${channel}`);
    }
  }
}

import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import {
  APP_CONFIG,
  AppConfig,
  createRedisClient,
  RedisClient,
  tenantAccessChannel,
  TenantAccessEvent,
  tenantStatusChannel,
  TenantStatusEvent,
} from '@app/tenancy';
import { setTimeout as delay } from 'node:timers/promises';
import { TenantPools } from '../connections/tenant-pools';
import { ApiKeyVerifier } from '../credentials/api-key-verifier';
import { TenantDirectory } from '../directory/tenant-directory';

const SUBSCRIBE_WAIT_MS = 2000;

/**
 * Hears the service's tenant events (published through Nest's Redis transport, `{pattern, data}`)
 * and drops what this process cached about the tenant: a status change, a rotated password or
 * a revoked API key takes effect here within a Redis round trip instead of a cache period.
 */
@Injectable()
export class TenantChangeListener implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(TenantChangeListener.name);
  private readonly redis: RedisClient;
  private readonly statusChannel: string;
  private readonly accessChannel: string;

  constructor(
    @Inject(APP_CONFIG) { redis }: Pick<AppConfig, 'redis'>,
    private readonly directory: TenantDirectory,
    private readonly apiKeys: ApiKeyVerifier,
    private readonly pools: TenantPools,
  ) {
    this.statusChannel = tenantStatusChannel(redis.prefix);
    this.accessChannel = tenantAccessChannel(redis.prefix);
    // Reconnects for ever: a Redis restart must not leave the process deaf to revocations.
    this.redis = createRedisClient(redis.topology, { lazyConnect: true, maxRetriesPerRequest: null });
    this.redis.on('error', (error: Error) => this.logger.warn({ err: error }, 'tenant events: Redis connection error'));
  }

  /** Start-up waits a moment for the subscription, never for Redis: until it comes, caches only expire. */
  async onModuleInit(): Promise<void> {
    this.redis.on('message', (channel: string, message: string) => this.handle(channel, message));
    const subscribed = this.redis.subscribe(this.statusChannel, this.accessChannel).then(
      () => true,
      (error: unknown) => this.logger.warn({ err: error }, 'tenant events: could not subscribe'),
    );
    const waited = await Promise.race([subscribed, delay(SUBSCRIBE_WAIT_MS)]);
    if (waited !== true)
      this.logger.warn(`tenant events: not subscribed yet; cached tenants and keys expire after TENANT_LOOKUP_CACHE_MS meanwhile`);
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }

  private handle(channel: string, message: string): void {
    let data: unknown;
    try {
      data = (JSON.parse(message) as { data?: unknown }).data;
    } catch {
      return;
    }
    if (channel === this.statusChannel) this.statusChanged(data as TenantStatusEvent);
    else if (channel === this.accessChannel) this.accessChanged(data as TenantAccessEvent);
  }

  private statusChanged(event: TenantStatusEvent): void {
    if (typeof event?.tenantId !== 'string') return;
    this.directory.forget(event.tenantId);
    if (event.status !== 'ready') this.pools.retire(event.tenantId);
  }

  private accessChanged(event: TenantAccessEvent): void {
    if (typeof event?.tenantId !== 'string') return;
    if (event.change === 'api_key_revoked' && event.apiKeyId) this.apiKeys.forgetKey(event.apiKeyId);
    if (event.change === 'credentials_rotated') {
      this.directory.forget(event.tenantId);
      this.pools.retire(event.tenantId);
    }
  }
}

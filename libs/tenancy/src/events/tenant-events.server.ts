import { ServerRedis } from '@nestjs/microservices';
import type Redis from 'ioredis';
import type { RedisTopology } from '../config/redis-topology';
import { createRedisClient } from '../redis/redis-client.factory';

export interface TenantEventsServerOptions {
  retryAttempts: number;
  retryDelay: number;
}

/**
 * Nest's Redis transport server, listening on the configured topology: Nest itself can only
 * pass options to `new Redis()`, which reaches neither a Cluster nor, by URL, a Sentinel group.
 */
export class TenantEventsServer extends ServerRedis {
  constructor(
    private readonly topology: RedisTopology,
    options: TenantEventsServerOptions,
  ) {
    super(options);
  }

  override createRedisClient(): Redis {
    const client = createRedisClient(this.topology, {
      lazyConnect: true,
      retryStrategy: (times) => this.createRetryStrategy(times) ?? null,
    });
    // Nest only subscribes, publishes and listens for connection events, which a Cluster does alike.
    return client as Redis;
  }
}

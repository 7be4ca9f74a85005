import { ClientRedis } from '@nestjs/microservices';
import type Redis from 'ioredis';
import type { RedisTopology } from '../config/redis-topology';
import { createRedisClient } from '../redis/redis-client.factory';

const RECONNECT_DELAY_MS = 1000;

/** Nest's Redis transport client, publishing on the configured topology (see TenantEventsServer). */
export class TenantEventsClient extends ClientRedis {
  private readonly topology: RedisTopology;

  /** Built by ClientsModule from `{ customClass, options }`, so it takes its topology in the options. */
  constructor({ topology }: { topology: RedisTopology }) {
    // Without retryAttempts Nest never reconnects: a Redis restart or a Sentinel failover would end publishing.
    super({ retryAttempts: Number.MAX_SAFE_INTEGER, retryDelay: RECONNECT_DELAY_MS });
    this.topology = topology;
  }

  override createClient(): Redis {
    const client = createRedisClient(this.topology, {
      lazyConnect: true,
      retryStrategy: (times) => this.createRetryStrategy(times) ?? null,
    });
    // Nest only publishes and listens for connection events, which a Cluster does alike.
    return client as Redis;
  }
}

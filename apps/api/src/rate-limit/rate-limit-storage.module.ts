import { Module } from '@nestjs/common';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { RedisClient, RedisClientModule } from '@app/tenancy';
import type Redis from 'ioredis';
import { RateLimitStorage } from './rate-limit.storage';

const RATE_LIMIT_REDIS = Symbol('RATE_LIMIT_REDIS');

/**
 * One Redis connection for every rate limit of the process. Its keys carry QUEUE_PREFIX, so
 * deployments sharing a Redis keep their counts apart. A request fails after one reconnect
 * attempt rather than hang while Redis is away. The storage's script touches two keys, which
 * it hash-tags alike, so it also runs on a Cluster.
 */
@Module({
  imports: [
    RedisClientModule.register(RATE_LIMIT_REDIS, (redis) => ({
      keyPrefix: `${redis.prefix}:rate-limit:`,
      maxRetriesPerRequest: 1,
    })),
  ],
  providers: [
    {
      provide: ThrottlerStorageRedisService,
      inject: [RATE_LIMIT_REDIS],
      useFactory: (client: RedisClient) => {
        // RateLimitStorage logs a failed count; unheard, ioredis would also print every reconnect error.
        client.on('error', () => undefined);
        // Its constructor takes a Cluster too, in an overload of its own.
        return new ThrottlerStorageRedisService(client as Redis);
      },
    },
    RateLimitStorage,
  ],
  exports: [RateLimitStorage],
})
export class RateLimitStorageModule {}

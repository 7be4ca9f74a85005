import { Module } from '@nestjs/common';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { APP_CONFIG, AppConfig, redisOptionsFromUrl } from '@app/tenancy';
import { RateLimitStorage } from './rate-limit.storage';

/**
 * One Redis connection for every rate limit of the process. Its keys carry QUEUE_PREFIX, so
 * deployments sharing a Redis keep their counts apart. A request fails after one reconnect
 * attempt rather than hang while Redis is away. The service closes its connection on shutdown.
 */
@Module({
  providers: [
    {
      provide: ThrottlerStorageRedisService,
      inject: [APP_CONFIG],
      useFactory: ({ redis }: Pick<AppConfig, 'redis'>) => {
        const storage = new ThrottlerStorageRedisService({
          ...redisOptionsFromUrl(redis.url),
          keyPrefix: `${redis.prefix}:rate-limit:`,
          maxRetriesPerRequest: 1,
        });
        // RateLimitStorage logs a failed count; unheard, ioredis would also print every reconnect error.
        storage.redis.on('error', () => undefined);
        return storage;
      },
    },
    RateLimitStorage,
  ],
  exports: [RateLimitStorage],
})
export class RateLimitStorageModule {}

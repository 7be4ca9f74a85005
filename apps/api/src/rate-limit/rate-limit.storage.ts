import { Injectable } from '@nestjs/common';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { PinoLogger } from 'nestjs-pino';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

const NOT_COUNTED: ThrottlerStorageRecord = { totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0 };

/**
 * The throttlers' counts, kept in Redis so that every api process shares them. While Redis is
 * away nothing is counted and nothing refused for it: the create limit must not turn an outage
 * into errors (the api still records the tenant and answers 503 for the queue), and a wrong
 * admin key is refused whether counted or not.
 */
@Injectable()
export class RateLimitStorage implements ThrottlerStorage {
  constructor(
    private readonly redis: ThrottlerStorageRedisService,
    private readonly logger: PinoLogger,
  ) {
    logger.setContext(RateLimitStorage.name);
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    try {
      return await this.redis.increment(key, ttl, limit, blockDuration, throttlerName);
    } catch (error) {
      this.logger.warn({ err: error, throttler: throttlerName }, 'not counted: Redis is unavailable');
      return NOT_COUNTED;
    }
  }
}

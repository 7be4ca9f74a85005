import type { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { PinoLogger } from 'nestjs-pino';
import { RateLimitStorage } from './rate-limit.storage';

describe('RateLimitStorage', () => {
  const logger = { setContext: () => undefined, warn: jest.fn() } as unknown as PinoLogger;

  it('passes Redis counts through', async () => {
    const record = { totalHits: 4, timeToExpire: 60, isBlocked: true, timeToBlockExpire: 60 };
    const redis = { increment: async () => record } as unknown as ThrottlerStorageRedisService;
    expect(await new RateLimitStorage(redis, logger).increment('k', 60_000, 3, 60_000, 'create')).toBe(record);
  });

  it('blocks nobody, and says so in the log, while Redis is away', async () => {
    const redis = {
      increment: () => Promise.reject(new Error('Reached the max retries per request limit (which is 1).')),
    } as unknown as ThrottlerStorageRedisService;
    const record = await new RateLimitStorage(redis, logger).increment('k', 60_000, 3, 60_000, 'create');
    expect(record.isBlocked).toBe(false);
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ throttler: 'create' }), expect.stringMatching(/Redis/));
  });
});

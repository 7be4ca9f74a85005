import type { AppConfig } from '@app/tenancy';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { PinoLogger } from 'nestjs-pino';
import { AuthFailureLimiter } from './auth-failure.limiter';

describe('AuthFailureLimiter', () => {
  let hits: Map<string, number>;
  let increments: number;
  const logger = { setContext: () => undefined, warn: () => undefined } as unknown as PinoLogger;
  /** Like the Redis storage: blocked for the whole window once past the limit. */
  const storage: ThrottlerStorage = {
    increment: async (key, _ttl, limit) => {
      increments += 1;
      const totalHits = (hits.get(key) ?? 0) + 1;
      hits.set(key, totalHits);
      const isBlocked = totalHits > limit;
      return { totalHits, timeToExpire: 60, isBlocked, timeToBlockExpire: isBlocked ? 60 : 0 };
    },
  };
  const limiter = (authFailureLimit: number) =>
    new AuthFailureLimiter(storage, { api: { authFailureLimit } as AppConfig['api'] }, logger);

  beforeEach(() => {
    hits = new Map();
    increments = 0;
    jest.useFakeTimers();
  });
  afterEach(() => jest.useRealTimers());

  it('blocks a client past the limit and remembers it until the block ends', async () => {
    const failures = limiter(2);
    expect(await failures.recordFailure('a')).toBeUndefined();
    expect(await failures.recordFailure('a')).toBeUndefined();
    expect(failures.blockedFor('a')).toBeUndefined();
    expect(await failures.recordFailure('a')).toBe(60);
    expect(failures.blockedFor('a')).toBe(60);
    expect(failures.blockedFor('b')).toBeUndefined();
    jest.advanceTimersByTime(59_500);
    expect(failures.blockedFor('a')).toBe(1);
    jest.advanceTimersByTime(500);
    expect(failures.blockedFor('a')).toBeUndefined();
  });

  it('asks nothing of the storage when the limit is off', async () => {
    const failures = limiter(0);
    for (let attempt = 0; attempt < 5; attempt += 1) expect(await failures.recordFailure('a')).toBeUndefined();
    expect(increments).toBe(0);
  });
});

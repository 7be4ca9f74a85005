import type { ExecutionContext } from '@nestjs/common';
import type { AppConfig } from '@app/tenancy';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { PinoLogger } from 'nestjs-pino';
import { AuthFailureLimiter } from '../rate-limit/auth-failure.limiter';
import { AdminApiKeyGuard } from './admin-api-key.guard';

const KEY = 'unit-admin-key-0123456789';

describe('AdminApiKeyGuard', () => {
  let increments: number;
  const storage: ThrottlerStorage = {
    increment: async (_key, _ttl, limit) => {
      increments += 1;
      const isBlocked = increments > limit;
      return { totalHits: increments, timeToExpire: 60, isBlocked, timeToBlockExpire: isBlocked ? 60 : 0 };
    },
  };
  const logger = { setContext: () => undefined, warn: () => undefined } as unknown as PinoLogger;
  const config = { api: { adminApiKey: KEY, authFailureLimit: 1 } as AppConfig['api'] };
  const request = (authorization?: string): ExecutionContext =>
    ({
      switchToHttp: () => ({
        getRequest: () => ({ ip: '198.51.100.1', headers: { authorization } }),
        getResponse: () => ({ header: () => undefined }),
      }),
    }) as unknown as ExecutionContext;
  let guard: AdminApiKeyGuard;

  beforeEach(() => {
    increments = 0;
    guard = new AdminApiKeyGuard(config, new AuthFailureLimiter(storage, config, logger));
  });

  it('lets the right key in at once, without counting anything', () => {
    expect(guard.canActivate(request(`Bearer ${KEY}`))).toBe(true);
    expect(increments).toBe(0);
  });

  it('counts a wrong or missing key, and once the client is blocked refuses even the right key', async () => {
    await expect(guard.canActivate(request('Bearer wrong'))).rejects.toMatchObject({ status: 401 });
    await expect(guard.canActivate(request())).rejects.toMatchObject({ status: 429 });
    expect(() => guard.canActivate(request(`Bearer ${KEY}`))).toThrow(expect.objectContaining({ status: 429 }));
    expect(increments).toBe(2);
  });
});

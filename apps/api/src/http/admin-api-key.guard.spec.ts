import { AdminKey } from '@app/tenancy';
import type { ExecutionContext } from '@nestjs/common';
import type { AppConfig } from '@app/tenancy';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { PinoLogger } from 'nestjs-pino';
import { AuthFailureLimiter } from '../rate-limit/auth-failure.limiter';
import { OperatorSessions } from '../sessions/operator-sessions';
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
  const config = {
    env: 'test' as const,
    api: { adminApiKey: KEY, authFailureLimit: 1, consoleSessionTtlMinutes: 60 } as AppConfig['api'],
  };
  const sessions = new OperatorSessions(config);
  const request = (authorization?: string, { method = 'GET', cookie = '' } = {}): ExecutionContext =>
    ({
      switchToHttp: () => ({
        getRequest: () => ({ ip: '198.51.100.1', method, headers: { authorization }, cookies: { operator_session: cookie } }),
        getResponse: () => ({ header: () => undefined }),
      }),
    }) as unknown as ExecutionContext;
  const sessionCookie = () => {
    let cookie = '';
    sessions.start({ setCookie: (_name: string, value: string) => (cookie = value) } as never);
    return cookie;
  };
  let guard: AdminApiKeyGuard;

  beforeEach(() => {
    increments = 0;
    guard = new AdminApiKeyGuard(config, new AdminKey(config), new AuthFailureLimiter(storage, config, logger), sessions);
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

  it("lets an operator's session cookie read, never write", async () => {
    const cookie = sessionCookie();
    expect(guard.canActivate(request(undefined, { cookie }))).toBe(true);
    await expect(guard.canActivate(request(undefined, { method: 'POST', cookie }))).rejects.toMatchObject({ status: 401 });
  });
});

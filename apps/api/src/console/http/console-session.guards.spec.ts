import { AdminKey } from '@app/tenancy';
import type { ExecutionContext } from '@nestjs/common';
import type { AppConfig } from '@app/tenancy';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OperatorSessions, SESSION_COOKIE } from '../../sessions/operator-sessions';
import { ConsoleFormGuard, ConsolePageGuard } from './console-session.guards';
import { LoginRequired } from './login-required';

const settings = (adminApiKey?: string) => ({
  env: 'test' as const,
  api: { adminApiKey, consoleSessionTtlMinutes: 60 } as AppConfig['api'],
});

describe('console session guards', () => {
  let setCookies: string[];
  const reply = { setCookie: (_name: string, value: string) => setCookies.push(value) } as unknown as FastifyReply;
  const contextOf = (request: Partial<FastifyRequest>): ExecutionContext =>
    ({ switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }) }) as unknown as ExecutionContext;
  const cookieOf = (sessions: OperatorSessions) => {
    sessions.start(reply);
    return { [SESSION_COOKIE]: setCookies.pop() };
  };

  beforeEach(() => (setCookies = []));

  it('sends a browser without a session to the login page, with the page to come back to', () => {
    const config = settings('admin-key-0123456789');
    const guard = new ConsolePageGuard(new OperatorSessions(config), new AdminKey(config));
    expect(() => guard.canActivate(contextOf({ url: '/console?q=acme', cookies: {} }))).toThrow(new LoginRequired('/console?q=acme'));
  });

  it('gives a browser its session on its first page while no admin key is set', () => {
    const sessions = new OperatorSessions(settings());
    const request: Partial<FastifyRequest> = { url: '/console', cookies: {} };
    expect(new ConsolePageGuard(sessions, new AdminKey(settings())).canActivate(contextOf(request))).toBe(true);
    expect(setCookies).toHaveLength(1);
    expect(request.operatorSession).toBeDefined();
  });

  it("takes a form only with its session's CSRF token", () => {
    const sessions = new OperatorSessions(settings('admin-key-0123456789'));
    const guard = new ConsoleFormGuard(sessions);
    const cookies = cookieOf(sessions);
    const session = sessions.read({ cookies } as unknown as FastifyRequest)!;
    expect(() => guard.canActivate(contextOf({ cookies: {}, body: { _csrf: sessions.csrfToken(session) } }))).toThrow(LoginRequired);
    expect(() => guard.canActivate(contextOf({ cookies, body: { _csrf: 'forged' } }))).toThrow(
      expect.objectContaining({ status: 403 }),
    );
    const request: Partial<FastifyRequest> = { cookies, body: { _csrf: sessions.csrfToken(session) } };
    expect(guard.canActivate(contextOf(request))).toBe(true);
    expect(request.operatorSession).toEqual(session);
  });
});

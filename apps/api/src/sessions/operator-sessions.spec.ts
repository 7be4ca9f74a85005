import type { AppConfig } from '@app/tenancy';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OperatorSession, OperatorSessions, SESSION_COOKIE } from './operator-sessions';

const settings = (adminApiKey: string, env: AppConfig['env'] = 'test') => ({
  env,
  api: { adminApiKey, consoleSessionTtlMinutes: 30 } as AppConfig['api'],
});

describe('OperatorSessions', () => {
  let cookies: Record<string, { value: string; options: Record<string, unknown> }>;
  const reply = {
    setCookie: (name: string, value: string, options: Record<string, unknown>) => (cookies[name] = { value, options }),
  } as unknown as FastifyReply;
  const requestWith = (value: string | undefined) => ({ cookies: { [SESSION_COOKIE]: value } }) as unknown as FastifyRequest;
  const started = (sessions: OperatorSessions): [OperatorSession, string] => [sessions.start(reply), cookies[SESSION_COOKIE]!.value];

  beforeEach(() => {
    cookies = {};
    jest.useFakeTimers({ now: new Date('2026-12-01T12:00:00Z') });
  });
  afterEach(() => jest.useRealTimers());

  it('reads back the session it signed, set as an HttpOnly SameSite=Strict cookie, Secure only in production', () => {
    const sessions = new OperatorSessions(settings('admin-key-0123456789'));
    const [session, cookie] = started(sessions);
    expect(sessions.read(requestWith(cookie))).toEqual(session);
    expect(cookies[SESSION_COOKIE]!.options).toMatchObject({ httpOnly: true, sameSite: 'strict', secure: false, path: '/' });
    new OperatorSessions(settings('admin-key-0123456789-0123456789-x', 'production')).start(reply);
    expect(cookies[SESSION_COOKIE]!.options).toMatchObject({ secure: true });
  });

  it('refuses a cookie that was altered, has expired, or was signed under another admin key', () => {
    const sessions = new OperatorSessions(settings('admin-key-0123456789'));
    const [session, cookie] = started(sessions);
    const extended = cookie.replace(String(session.expiresAt), String(session.expiresAt + 3_600_000));
    expect(sessions.read(requestWith(extended))).toBeUndefined();
    expect(new OperatorSessions(settings('another-admin-key-0123')).read(requestWith(cookie))).toBeUndefined();
    expect(sessions.read(requestWith(undefined))).toBeUndefined();
    expect(sessions.read(requestWith(`${cookie}.more`))).toBeUndefined();
    jest.advanceTimersByTime(30 * 60_000);
    expect(sessions.read(requestWith(cookie))).toBeUndefined();
  });

  it('accepts a CSRF token only for the session it was made for', () => {
    const sessions = new OperatorSessions(settings('admin-key-0123456789'));
    const [mine] = started(sessions);
    const [theirs] = started(sessions);
    expect(sessions.isCsrfToken(mine, sessions.csrfToken(mine))).toBe(true);
    expect(sessions.isCsrfToken(mine, sessions.csrfToken(theirs))).toBe(false);
    expect(sessions.isCsrfToken(mine, undefined)).toBe(false);
  });
});

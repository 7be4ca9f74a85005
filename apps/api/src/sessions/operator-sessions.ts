import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/tenancy';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'operator_session';

/** A signed-in operator's browser. */
export interface OperatorSession {
  id: string;
  expiresAt: number;
}

/**
 * Operator sessions as signed cookies, `<id>.<expiresAt>.<HMAC>`, nothing kept on the server, so
 * any api process checks any cookie. The signing key is derived from ADMIN_API_KEY: a new admin
 * key ends every session at once. Without an admin key everything is open anyway; the key is then
 * random per process and a session only binds the console's CSRF tokens to the browser.
 */
@Injectable()
export class OperatorSessions {
  private readonly key: Buffer;
  private readonly ttlMs: number;
  private readonly cookieOptions: CookieSerializeOptions;

  constructor(@Inject(APP_CONFIG) { api, env }: Pick<AppConfig, 'api' | 'env'>) {
    this.key = api.adminApiKey ? createHmac('sha256', api.adminApiKey).update('operator session key').digest() : randomBytes(32);
    this.ttlMs = api.consoleSessionTtlMinutes * 60_000;
    // Path / because the cookie also authorizes the event streams under /org and Bull Board.
    this.cookieOptions = { path: '/', httpOnly: true, sameSite: 'strict', secure: env === 'production' };
  }

  /** The request's session when its cookie is genuine and unexpired. */
  read(request: FastifyRequest): OperatorSession | undefined {
    const [id, expiresAt, mac, ...rest] = (request.cookies[SESSION_COOKIE] ?? '').split('.');
    if (!id || !expiresAt || !mac || rest.length > 0 || !this.macMatches(mac, `session.${id}.${expiresAt}`)) return undefined;
    const session = { id, expiresAt: Number(expiresAt) };
    return session.expiresAt > Date.now() ? session : undefined;
  }

  /** A session with a new id, set as the reply's cookie. */
  start(reply: FastifyReply): OperatorSession {
    const session = { id: randomBytes(16).toString('base64url'), expiresAt: Date.now() + this.ttlMs };
    const payload = `${session.id}.${session.expiresAt}`;
    void reply.setCookie(SESSION_COOKIE, `${payload}.${this.mac(`session.${payload}`)}`, {
      ...this.cookieOptions,
      expires: new Date(session.expiresAt),
    });
    return session;
  }

  /** Logs the browser out. A copy of the cookie taken before stays valid until it expires or the admin key changes. */
  end(reply: FastifyReply): void {
    void reply.clearCookie(SESSION_COOKIE, this.cookieOptions);
  }

  /** The token every console form carries: only a page this api rendered for this session knows it. */
  csrfToken(session: OperatorSession): string {
    return this.mac(`csrf.${session.id}`);
  }

  isCsrfToken(session: OperatorSession, token: unknown): boolean {
    return typeof token === 'string' && this.macMatches(token, `csrf.${session.id}`);
  }

  private mac(message: string): string {
    return createHmac('sha256', this.key).update(message).digest('base64url');
  }

  private macMatches(given: string, message: string): boolean {
    const expected = Buffer.from(this.mac(message));
    const actual = Buffer.from(given);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}

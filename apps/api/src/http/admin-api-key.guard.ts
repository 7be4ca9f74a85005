import { CanActivate, ExecutionContext, HttpException, HttpStatus, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { APP_CONFIG, AppConfig, AdminKey } from '@app/tenancy';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthFailureLimiter } from '../rate-limit/auth-failure.limiter';
import { OperatorSessions } from '../sessions/operator-sessions';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/**
 * `Authorization: Bearer <ADMIN_API_KEY>`, compared in constant time; open when no key is set.
 * A signed-in operator's session cookie (see /console/login) also passes, for GET and HEAD only:
 * a browser's EventSource cannot send a bearer token, and a browser changes things only through
 * the console's forms, which carry a CSRF token, so no cookie-authorized JSON route can be forged.
 * A client (request.ip) past AUTH_FAILURE_LIMIT failures a minute gets 429 until its block ends,
 * even with the right key, so a guesser cannot tell a right guess from a wrong one.
 */
@Injectable()
export class AdminApiKeyGuard implements CanActivate {
  private readonly failureLimit: number;

  constructor(
    @Inject(APP_CONFIG) { api }: Pick<AppConfig, 'api'>,
    private readonly adminKey: AdminKey,
    private readonly failures: AuthFailureLimiter,
    private readonly sessions: OperatorSessions,
  ) {
    this.failureLimit = api.authFailureLimit;
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const http = context.switchToHttp();
    return this.authorize(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }

  /**
   * Also called for routes Nest's guards do not see (Bull Board's). Synchronous for the right
   * key: the busiest reads pass without a Redis round trip.
   */
  authorize(request: FastifyRequest, reply: FastifyReply): boolean | Promise<boolean> {
    if (!this.adminKey.isSet) return true;
    const blockedFor = this.failures.blockedFor(request.ip);
    if (blockedFor !== undefined) throw this.tooManyFailures(reply, blockedFor);
    if (SAFE_METHODS.has(request.method) && this.sessions.read(request)) return true;
    const token = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (token && this.adminKey.matches(token)) return true;
    return this.refuse(request.ip, reply, token);
  }

  private async refuse(client: string, reply: FastifyReply, token: string | undefined): Promise<never> {
    const blockedFor = await this.failures.recordFailure(client);
    if (blockedFor !== undefined) throw this.tooManyFailures(reply, blockedFor);
    void reply.header('WWW-Authenticate', 'Bearer');
    throw new UnauthorizedException(
      token ? 'the bearer token is not the admin API key' : 'send Authorization: Bearer <ADMIN_API_KEY>',
    );
  }

  private tooManyFailures(reply: FastifyReply, seconds: number): HttpException {
    void reply.header('Retry-After', String(seconds));
    return new HttpException(
      {
        statusCode: HttpStatus.TOO_MANY_REQUESTS,
        error: 'Too Many Requests',
        message: `more than ${this.failureLimit} failed authentications from this client in a minute (AUTH_FAILURE_LIMIT); try again in ${seconds} s`,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }
}

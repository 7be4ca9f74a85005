import { createHash, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, HttpException, HttpStatus, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/tenancy';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthFailureLimiter } from '../rate-limit/auth-failure.limiter';

/**
 * `Authorization: Bearer <ADMIN_API_KEY>`, compared in constant time; open when no key is set.
 * A client (request.ip) past AUTH_FAILURE_LIMIT failures a minute gets 429 until its block ends,
 * even with the right key, so a guesser cannot tell a right guess from a wrong one.
 */
@Injectable()
export class AdminApiKeyGuard implements CanActivate {
  private readonly expectedDigest?: Buffer;
  private readonly failureLimit: number;

  constructor(
    @Inject(APP_CONFIG) { api }: Pick<AppConfig, 'api'>,
    private readonly failures: AuthFailureLimiter,
  ) {
    this.expectedDigest = api.adminApiKey === undefined ? undefined : digest(api.adminApiKey);
    this.failureLimit = api.authFailureLimit;
  }

  /** Synchronous for the right key: the busiest reads pass without a Redis round trip. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (!this.expectedDigest) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const blockedFor = this.failures.blockedFor(request.ip);
    if (blockedFor !== undefined) throw this.tooManyFailures(reply, blockedFor);
    const token = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    // Digests have equal length, so timingSafeEqual never throws and nothing leaks the key's length.
    if (token && timingSafeEqual(digest(token), this.expectedDigest)) return true;
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

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

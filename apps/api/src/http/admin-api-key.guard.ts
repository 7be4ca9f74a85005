import { createHash, timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@app/tenancy';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** `Authorization: Bearer <ADMIN_API_KEY>`, compared in constant time; open when no key is set. */
@Injectable()
export class AdminApiKeyGuard implements CanActivate {
  private readonly expectedDigest?: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.expectedDigest = config.adminApiKey === undefined ? undefined : digest(config.adminApiKey);
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expectedDigest) return true;
    const http = context.switchToHttp();
    const header = http.getRequest<FastifyRequest>().headers.authorization ?? '';
    const token = /^Bearer (.+)$/i.exec(header)?.[1];
    // Digests have equal length, so timingSafeEqual never throws and nothing leaks the key's length.
    if (token && timingSafeEqual(digest(token), this.expectedDigest)) return true;
    void http.getResponse<FastifyReply>().header('WWW-Authenticate', 'Bearer');
    throw new UnauthorizedException(
      token ? 'the bearer token is not the admin API key' : 'send Authorization: Bearer <ADMIN_API_KEY>',
    );
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

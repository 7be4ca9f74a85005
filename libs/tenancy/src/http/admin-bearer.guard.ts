import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminKey, bearerToken } from './admin-key';

/**
 * `Authorization: Bearer <ADMIN_API_KEY>`; open when no key is set. For the operators' routes of
 * the worker and tenant-api (/metrics), which have no console sessions; the api's own guard adds
 * those and a limit on failed attempts.
 */
@Injectable()
export class AdminBearerGuard implements CanActivate {
  constructor(private readonly adminKey: AdminKey) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.adminKey.isSet) return true;
    const http = context.switchToHttp();
    const token = bearerToken(http.getRequest<FastifyRequest>().headers.authorization);
    if (token && this.adminKey.matches(token)) return true;
    void http.getResponse<FastifyReply>().header('WWW-Authenticate', 'Bearer');
    throw new UnauthorizedException(
      token ? 'the bearer token is not the admin API key' : 'send Authorization: Bearer <ADMIN_API_KEY>',
    );
  }
}

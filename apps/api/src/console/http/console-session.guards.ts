import { AdminKey } from '@app/tenancy';
import { CanActivate, createParamDecorator, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OperatorSession, OperatorSessions } from '../../sessions/operator-sessions';
import { LoginRequired } from './login-required';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the console's guards for its handlers. */
    operatorSession?: OperatorSession;
  }
}

/** The session a console guard found (or started) for this request. */
export const CurrentSession = createParamDecorator(
  (_data: unknown, context: ExecutionContext) => context.switchToHttp().getRequest<FastifyRequest>().operatorSession!,
);

/**
 * Console pages: a signed-in operator, else the login page. With no admin key set the console is
 * open, and a browser gets its session on its first page, to bind the CSRF tokens of its forms.
 */
@Injectable()
export class ConsolePageGuard implements CanActivate {
  constructor(
    private readonly sessions: OperatorSessions,
    private readonly adminKey: AdminKey,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    request.operatorSession = this.sessions.read(request);
    if (!request.operatorSession && this.adminKey.isSet) throw new LoginRequired(request.url);
    request.operatorSession ??= this.sessions.start(context.switchToHttp().getResponse<FastifyReply>());
    return true;
  }
}

/** Console forms: a session, and the CSRF token the page was rendered with for it. */
@Injectable()
export class ConsoleFormGuard implements CanActivate {
  constructor(private readonly sessions: OperatorSessions) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const session = this.sessions.read(request);
    if (!session) throw new LoginRequired('/console');
    const token = (request.body as Record<string, unknown> | undefined)?._csrf;
    if (!this.sessions.isCsrfToken(session, token)) {
      throw new ForbiddenException('This form did not come from this console session: go back, reload the page and try again.');
    }
    request.operatorSession = session;
    return true;
  }
}

import { AdminKey } from '@app/tenancy';
import { Body, Controller, ForbiddenException, Get, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthFailureLimiter } from '../rate-limit/auth-failure.limiter';
import { OperatorSessions } from '../sessions/operator-sessions';
import { ConsoleExceptionFilter } from './http/console-exception.filter';
import { sendPage, seeOther } from './http/console-reply';
import { ConsoleFormGuard } from './http/console-session.guards';
import { loginPage } from './views/login.page';

/** Where a login may send the browser back to: the console's pages or Bull Board, never another site. */
const RETURN_TO = /^\/(console|admin\/queues)([/?#]|$)/;

/**
 * The browser's way in: the admin key, given once, becomes a session cookie (see OperatorSessions).
 * A wrong key counts against the client like a wrong bearer token.
 */
@Controller('console')
@UseFilters(ConsoleExceptionFilter)
export class OperatorLoginController {
  constructor(
    private readonly adminKey: AdminKey,
    private readonly sessions: OperatorSessions,
    private readonly failures: AuthFailureLimiter,
  ) {}

  @Get('login')
  form(@Req() request: FastifyRequest, @Query('returnTo') returnTo: unknown, @Res() reply: FastifyReply) {
    if (!this.adminKey.isSet || this.sessions.read(request)) return seeOther(reply, safeReturn(returnTo));
    return sendPage(reply, loginPage({ returnTo: safeReturn(returnTo) }));
  }

  /**
   * No CSRF token here, since there is no session yet to bind one to, and forging a login would
   * need the admin key. A form posted from another site is refused all the same (Sec-Fetch-Site),
   * so that no other page can make an operator's browser try keys.
   */
  @Post('login')
  async login(@Req() request: FastifyRequest, @Body() form: Record<string, string> | undefined, @Res() reply: FastifyReply) {
    if (/^(cross|same)-site$/.test(String(request.headers['sec-fetch-site']))) {
      throw new ForbiddenException('log in from the console’s own login page');
    }
    const returnTo = safeReturn(form?.returnTo);
    const blockedFor = this.failures.blockedFor(request.ip);
    if (blockedFor === undefined && this.adminKey.matches(form?.key ?? '')) {
      this.sessions.start(reply);
      return seeOther(reply, returnTo);
    }
    const waitSeconds = blockedFor ?? (await this.failures.recordFailure(request.ip));
    const error =
      waitSeconds === undefined
        ? 'That is not the admin API key.'
        : `Too many failed attempts from this address: try again in ${waitSeconds} s.`;
    return sendPage(reply, loginPage({ returnTo, error }), waitSeconds === undefined ? 401 : 429);
  }

  @Post('logout')
  @UseGuards(ConsoleFormGuard)
  logout(@Res() reply: FastifyReply) {
    this.sessions.end(reply);
    return seeOther(reply, '/console/login');
  }
}

function safeReturn(returnTo: unknown): string {
  return typeof returnTo === 'string' && RETURN_TO.test(returnTo) ? returnTo : '/console';
}

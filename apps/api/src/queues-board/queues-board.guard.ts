import { AdminKey } from '@app/tenancy';
import { HttpException } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AdminApiKeyGuard } from '../http/admin-api-key.guard';
import { OperatorSessions } from '../sessions/operator-sessions';
import { QUEUES_BOARD_ROUTE } from './queues-board.module';

/**
 * Bull Board's routes are a Fastify plugin, out of reach of Nest's guards: a hook lets in what
 * AdminApiKeyGuard would (a bearer token, or an operator's session for reads), and sends a
 * browser that has neither to the console's login. Registered before Nest adds the board, so
 * the board's routes inherit it.
 */
export function guardQueuesBoard(app: NestFastifyApplication): void {
  const guard = app.get(AdminApiKeyGuard);
  const adminKey = app.get(AdminKey);
  const sessions = app.get(OperatorSessions);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      if (!request.routeOptions.url?.startsWith(QUEUES_BOARD_ROUTE)) return;
      const isBoardPage = request.method === 'GET' && !request.routeOptions.url.startsWith(`${QUEUES_BOARD_ROUTE}/api/`);
      if (adminKey.isSet && isBoardPage && !request.headers.authorization && !sessions.read(request)) {
        return reply.redirect(`/console/login?returnTo=${encodeURIComponent(request.url)}`, 303);
      }
      try {
        await guard.authorize(request, reply);
      } catch (error) {
        if (!(error instanceof HttpException)) throw error;
        return reply.status(error.getStatus()).send(error.getResponse());
      }
    });
}

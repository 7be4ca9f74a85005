import { Controller, Get, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ListRecentRollouts } from '@app/tenancy';
import type { OperatorSession } from '../sessions/operator-sessions';
import { ConsoleExceptionFilter } from './http/console-exception.filter';
import { sendPage } from './http/console-reply';
import { ConsolePageGuard, CurrentSession } from './http/console-session.guards';
import { PageFrames } from './http/page-frames';
import { rolloutsPage } from './views/rollouts.page';

const SHOWN = 20;

@Controller('console/rollouts')
@UseFilters(ConsoleExceptionFilter)
export class ConsoleRolloutsController {
  constructor(
    private readonly listRecentRollouts: ListRecentRollouts,
    private readonly frames: PageFrames,
  ) {}

  @Get()
  @UseGuards(ConsolePageGuard)
  async list(@CurrentSession() session: OperatorSession, @Res() reply: FastifyReply) {
    return sendPage(reply, rolloutsPage(this.frames.of(session), await this.listRecentRollouts.execute(SHOWN)));
  }
}

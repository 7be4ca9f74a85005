import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  CancelRollout,
  JsonBodyGuard,
  PlanMigrationRollout,
  ResumeRollout,
  ShowRollout,
  StartMigrationRollout,
  StartRollbackRollout,
  ZodValidationPipe,
} from '@app/tenancy';
import { AdminApiKeyGuard } from '../http/admin-api-key.guard';
import {
  RolloutReportQuery,
  rolloutReportQuery,
  StartMigrationsBody,
  startMigrationsBody,
  StartRollbackBody,
  startRollbackBody,
} from './fleet.schemas';
import { rolloutReportView, rolloutView } from './rollout.views';

const RolloutId = new ParseUUIDPipe({ errorHttpStatusCode: HttpStatus.BAD_REQUEST });

/**
 * Fleet rollouts: tenant migrations (and rollbacks) run by the workers, one job per tenant,
 * recorded in master first. A rollout of either kind is read, resumed and cancelled under its
 * kind's path (`/fleet/migrations/:id` or `/fleet/rollbacks/:id`).
 */
@Controller('fleet')
@UseGuards(AdminApiKeyGuard)
export class FleetController {
  constructor(
    private readonly startMigrations: StartMigrationRollout,
    private readonly planMigrations: PlanMigrationRollout,
    private readonly startRollback: StartRollbackRollout,
    private readonly showRollout: ShowRollout,
    private readonly resumeRollout: ResumeRollout,
    private readonly cancelRollout: CancelRollout,
  ) {}

  /** 202 with the rollout; with `dryRun`, 200 with what would run where, and nothing recorded. */
  @Post('migrations')
  @HttpCode(HttpStatus.ACCEPTED)
  @UseGuards(JsonBodyGuard)
  async migrate(
    @Body(new ZodValidationPipe(startMigrationsBody)) body: StartMigrationsBody,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { dryRun, ...options } = body;
    if (!dryRun) return rolloutView(await this.startMigrations.execute(options));
    void reply.status(HttpStatus.OK);
    return this.planMigrations.execute(options);
  }

  /** Undoes each named tenant's last batch of migrations, as a rollout. */
  @Post('rollbacks')
  @HttpCode(HttpStatus.ACCEPTED)
  @UseGuards(JsonBodyGuard)
  async rollback(@Body(new ZodValidationPipe(startRollbackBody)) body: StartRollbackBody) {
    return rolloutView(await this.startRollback.execute(body));
  }

  @Get(['migrations/:id', 'rollbacks/:id'])
  async report(@Param('id', RolloutId) id: string, @Query(new ZodValidationPipe(rolloutReportQuery)) query: RolloutReportQuery) {
    return rolloutReportView(await this.showRollout.execute(id, query));
  }

  /** After a crash, or to run a stopped or cancelled rollout again; 409 once it is completed. */
  @Post(['migrations/:id/resume', 'rollbacks/:id/resume'])
  @HttpCode(HttpStatus.ACCEPTED)
  async resume(@Param('id', RolloutId) id: string) {
    return rolloutView(await this.resumeRollout.execute(id));
  }

  @Post(['migrations/:id/cancel', 'rollbacks/:id/cancel'])
  @HttpCode(HttpStatus.OK)
  async cancel(@Param('id', RolloutId) id: string) {
    return rolloutView(await this.cancelRollout.execute(id));
  }
}

import { Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Res, UseGuards } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import {
  ApiAnswers,
  ApiRefusals,
  CancelRollout,
  JsonBodyGuard,
  PlanMigrationRollout,
  ResumeRollout,
  ShowRollout,
  StartMigrationRollout,
  StartRollbackRollout,
  ZodBody,
  ZodQuery,
} from '@app/tenancy';
import { AdminRoutes } from '../http/admin-routes.decorator';
import {
  RolloutReportQuery,
  rolloutReportQuery,
  StartMigrationsBody,
  startMigrationsBody,
  StartRollbackBody,
  startRollbackBody,
} from './fleet.schemas';
import { rolloutAnswer, rolloutPlanAnswer, rolloutReportAnswer, rolloutReportView, rolloutView } from './rollout.views';

const RolloutId = new ParseUUIDPipe({ errorHttpStatusCode: HttpStatus.BAD_REQUEST });
const UNKNOWN_ROLLOUT = { 400: 'The id is not a UUID', 404: 'No rollout of this kind with this id' };

/**
 * Fleet rollouts: tenant migrations (and rollbacks) run by the workers, one job per tenant,
 * recorded in master first. A rollout of either kind is read, resumed and cancelled under its
 * kind's path (`/fleet/migrations/:id` or `/fleet/rollbacks/:id`).
 */
@Controller('fleet')
@AdminRoutes()
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
  @ApiOperation({ summary: 'Migrate tenant databases to the latest tenant migrations, as a rollout' })
  @ApiAnswers({
    202: ['The rollout, recorded; the workers run it', rolloutAnswer],
    200: ['dryRun: what would run where; nothing recorded', rolloutPlanAnswer],
  })
  @ApiRefusals({
    400: 'The body is not {canary?, continueOnError?, tenants?, statuses?, dryRun?}, or names tenants that do not exist',
    409: 'A rollout is running already',
    415: 'The body is not JSON',
    503: 'The queue or the master database is out of reach',
  })
  async migrate(@ZodBody(startMigrationsBody) body: StartMigrationsBody, @Res({ passthrough: true }) reply: FastifyReply) {
    const { dryRun, ...options } = body;
    if (!dryRun) return rolloutView(await this.startMigrations.execute(options));
    void reply.status(HttpStatus.OK);
    return this.planMigrations.execute(options);
  }

  /** Undoes each named tenant's last batch of migrations, as a rollout. */
  @Post('rollbacks')
  @HttpCode(HttpStatus.ACCEPTED)
  @UseGuards(JsonBodyGuard)
  @ApiOperation({ summary: "Undo the named tenants' last batch of migrations, as a rollout" })
  @ApiAnswers({ 202: ['The rollout, recorded; the workers run it', rolloutAnswer] })
  @ApiRefusals({
    400: 'The body is not {tenants, continueOnError?}, or names tenants that do not exist',
    409: 'A rollout is running already',
    415: 'The body is not JSON',
  })
  async rollback(@ZodBody(startRollbackBody) body: StartRollbackBody) {
    return rolloutView(await this.startRollback.execute(body));
  }

  @Get(['migrations/:id', 'rollbacks/:id'])
  @ApiOperation({ summary: "A rollout's progress, with a page of its tenants" })
  @ApiAnswers({ 200: ['The rollout and a page of its tenants', rolloutReportAnswer] })
  @ApiRefusals(UNKNOWN_ROLLOUT)
  async report(@Param('id', RolloutId) id: string, @ZodQuery(rolloutReportQuery) query: RolloutReportQuery) {
    return rolloutReportView(await this.showRollout.execute(id, query));
  }

  /** After a crash, or to run a stopped or cancelled rollout again; 409 once it is completed. */
  @Post(['migrations/:id/resume', 'rollbacks/:id/resume'])
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Run a stopped or cancelled rollout again' })
  @ApiAnswers({ 202: ['Running again', rolloutAnswer] })
  @ApiRefusals({ ...UNKNOWN_ROLLOUT, 409: 'The rollout is completed, or another one is running' })
  async resume(@Param('id', RolloutId) id: string) {
    return rolloutView(await this.resumeRollout.execute(id));
  }

  @Post(['migrations/:id/cancel', 'rollbacks/:id/cancel'])
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Cancel a rollout: tenants not yet started are left alone' })
  @ApiAnswers({ 200: ['Cancelled', rolloutAnswer] })
  @ApiRefusals({ ...UNKNOWN_ROLLOUT, 409: 'The rollout is completed already' })
  async cancel(@Param('id', RolloutId) id: string) {
    return rolloutView(await this.cancelRollout.execute(id));
  }
}

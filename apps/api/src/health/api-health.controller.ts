import { Controller, Get } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { ApiAnswers, DependencyHealthIndicator, healthCheckAnswer, livenessAnswer } from '@app/tenancy';

@Controller('health')
export class ApiHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly dependencies: DependencyHealthIndicator,
  ) {}

  /** Readiness: the master database and Redis answer. */
  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness' })
  @ApiAnswers({
    200: ['Every check is up', healthCheckAnswer],
    503: ['A check is down: the same body, with `error`', healthCheckAnswer],
  })
  check() {
    return this.health.check([() => this.dependencies.masterDatabase(), () => this.dependencies.redis()]);
  }

  /** Liveness: the process answers; nothing external is asked. */
  @Get('live')
  @ApiOperation({ summary: 'Liveness' })
  @ApiAnswers({ 200: ['The process answers', livenessAnswer] })
  live() {
    return { status: 'ok' };
  }
}

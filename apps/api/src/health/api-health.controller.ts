import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { DependencyHealthIndicator } from '@app/tenancy';

@Controller('health')
export class ApiHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly dependencies: DependencyHealthIndicator,
  ) {}

  /** Readiness: the master database and Redis answer. */
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([() => this.dependencies.masterDatabase(), () => this.dependencies.redis()]);
  }

  /** Liveness: the process answers; nothing external is asked. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }
}

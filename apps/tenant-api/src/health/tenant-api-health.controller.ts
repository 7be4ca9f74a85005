import { Controller, Get } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { ApiAnswers, MasterDatabaseHealthIndicator, healthCheckAnswer, livenessAnswer } from '@app/tenancy';
import { NoTenant, TenantPools } from '@app/tenant-routing';

@Controller('health')
@NoTenant()
export class TenantApiHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly dependencies: MasterDatabaseHealthIndicator,
    private readonly pools: TenantPools,
  ) {}

  /**
   * Readiness: the master database (where tenants and their keys are looked up) answers. The
   * tenant pools' figures come along; a full pool makes requests wait, it never makes the process unready.
   */
  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness' })
  @ApiAnswers({
    200: ['Every check is up', healthCheckAnswer],
    503: ['A check is down: the same body, with `error`', healthCheckAnswer],
  })
  check() {
    return this.health.check([
      () => this.dependencies.masterDatabase(),
      () => this.dependencies.probe('tenant_pools', async () => ({ ...this.pools.stats() })),
    ]);
  }

  /** Liveness: the process answers; nothing external is asked. */
  @Get('live')
  @ApiOperation({ summary: 'Liveness' })
  @ApiAnswers({ 200: ['The process answers', livenessAnswer] })
  live() {
    return { status: 'ok' };
  }
}

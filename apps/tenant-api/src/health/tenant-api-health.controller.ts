import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { MasterDatabaseHealthIndicator } from '@app/tenancy';
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
  check() {
    return this.health.check([
      () => this.dependencies.masterDatabase(),
      () => this.dependencies.probe('tenant_pools', async () => ({ ...this.pools.stats() })),
    ]);
  }

  /** Liveness: the process answers; nothing external is asked. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }
}

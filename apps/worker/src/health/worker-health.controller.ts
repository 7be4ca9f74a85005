import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DependencyHealthIndicator, WarmPool } from '@app/tenancy';
import { ProvisionTenantProcessor } from '../provisioning/provision-tenant.processor';

@Controller('health')
export class WorkerHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly dependencies: DependencyHealthIndicator,
    private readonly processor: ProvisionTenantProcessor,
    private readonly pool: WarmPool,
  ) {}

  /** Readiness: the master database, Redis, and a BullMQ worker taking jobs; the warm pool's level. */
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.dependencies.masterDatabase(),
      () => this.dependencies.redis(),
      async () => {
        const indicator = this.indicators.check('provisioning_worker');
        const worker = this.processor.worker;
        return worker.isRunning() && !worker.closing ? indicator.up() : indicator.down({ message: 'not running' });
      },
      // An empty pool only makes provisioning slower, so it never marks the worker unhealthy.
      () => this.dependencies.probe('warm_pool', () => this.pool.level()),
    ]);
  }

  /** Liveness: the process answers; nothing external is asked. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }
}

import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DependencyHealthIndicator } from '@app/tenancy';
import { ProvisionTenantProcessor } from '../provisioning/provision-tenant.processor';

@Controller('health')
export class WorkerHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly dependencies: DependencyHealthIndicator,
    private readonly processor: ProvisionTenantProcessor,
  ) {}

  /** Readiness: the master database, Redis, and a BullMQ worker taking jobs. */
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
    ]);
  }
}

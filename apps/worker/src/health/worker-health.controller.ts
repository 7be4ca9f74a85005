import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DependencyHealthIndicator, TenantServerToolkits } from '@app/tenancy';
import { FleetWorkers } from '../fleet/fleet-workers';
import { isServing } from '../jobs/worker-serving';
import { ProvisionTenantProcessor } from '../provisioning/provision-tenant.processor';

@Controller('health')
export class WorkerHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly dependencies: DependencyHealthIndicator,
    private readonly processor: ProvisionTenantProcessor,
    private readonly fleetWorkers: FleetWorkers,
    private readonly servers: TenantServerToolkits,
  ) {}

  /** Readiness: the master database, Redis, and the BullMQ workers taking jobs; the warm pools' levels, per server. */
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.dependencies.masterDatabase(),
      () => this.dependencies.redis(),
      () => this.running('provisioning_worker', isServing(this.processor.worker)),
      () => this.running('fleet_worker', this.fleetWorkers.isServing()),
      // An empty pool only makes provisioning slower, so it never marks the worker unhealthy.
      () => this.dependencies.probe('warm_pool', () => this.warmPoolLevels()),
    ]);
  }

  private async warmPoolLevels() {
    const levels = await this.servers.warmPoolLevels();
    return {
      size: levels.reduce((sum, level) => sum + level.size, 0),
      target: levels.reduce((sum, level) => sum + level.target, 0),
      servers: levels,
    };
  }

  private running(key: string, serving: boolean) {
    const indicator = this.indicators.check(key);
    return serving ? indicator.up() : indicator.down({ message: 'not running' });
  }

  /** Liveness: the process answers; nothing external is asked. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }
}

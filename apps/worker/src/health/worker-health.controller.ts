import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DependencyHealthIndicator, TenantServerToolkits } from '@app/tenancy';
import type { Worker } from 'bullmq';
import { RolloutTenantProcessor } from '../fleet/rollout-tenant.processor';
import { ProvisionTenantProcessor } from '../provisioning/provision-tenant.processor';

@Controller('health')
export class WorkerHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly dependencies: DependencyHealthIndicator,
    private readonly processor: ProvisionTenantProcessor,
    private readonly fleetProcessor: RolloutTenantProcessor,
    private readonly servers: TenantServerToolkits,
  ) {}

  /** Readiness: the master database, Redis, and the BullMQ workers taking jobs; the warm pools' levels, per server. */
  @Get()
  @HealthCheck()
  check() {
    return this.health.check([
      () => this.dependencies.masterDatabase(),
      () => this.dependencies.redis(),
      () => this.running('provisioning_worker', this.processor.worker),
      () => this.running('fleet_worker', this.fleetProcessor.worker),
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

  private running(key: string, worker: Worker) {
    const indicator = this.indicators.check(key);
    return worker.isRunning() && !worker.closing ? indicator.up() : indicator.down({ message: 'not running' });
  }

  /** Liveness: the process answers; nothing external is asked. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }
}

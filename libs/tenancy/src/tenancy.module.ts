import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { AppConfig } from './config/app-config';
import { TenancyConfigModule } from './config/config.module';
import { TenantEventsModule } from './events/tenant-events.module';
import { DependencyHealthIndicator } from './health/dependency-health.indicator';
import { LivenessController } from './health/liveness.controller';
import { LoggingModule } from './logging/logging.module';
import { MasterDatabaseModule } from './master/master-database.module';
import { ProvisioningQueueModule } from './provisioning/provisioning-queue.module';

export interface TenancyModuleOptions {
  config: AppConfig;
  service: 'api' | 'worker';
}

/** What both apps stand on: configuration, logs, the master database, the queue and events. */
@Module({})
export class TenancyModule {
  static forRoot({ config, service }: TenancyModuleOptions): DynamicModule {
    const shared = [
      MasterDatabaseModule,
      ProvisioningQueueModule.register({ failFast: service === 'api' }),
      TenantEventsModule,
      TerminusModule,
    ];
    return {
      module: TenancyModule,
      imports: [TenancyConfigModule.forRoot(config), LoggingModule.forService(service), ...shared],
      controllers: [LivenessController],
      providers: [DependencyHealthIndicator],
      exports: [...shared, DependencyHealthIndicator],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import {
  AdminBearerGuard,
  AdminKey,
  AppConfig,
  LoggingModule,
  MasterDatabaseHealthIndicator,
  MasterDatabaseModule,
  MetricsModule,
  metricsControllerFor,
  TenancyConfigModule,
} from '@app/tenancy';
import { NoTenant, TenantPoolMetrics, TenantRoutingModule } from '@app/tenant-routing';
import { TenantApiHealthController } from './health/tenant-api-health.controller';
import { UserRepository } from './users/user.repository';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';

/**
 * What tenant-api runs: tenant routing (every route is a tenant's unless @NoTenant()) and the
 * example /users resource. It reads master to find tenants and keys; it holds no provisioner
 * credentials and none of the queue.
 */
@Module({})
export class TenantApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: TenantApiModule,
      imports: [
        TenancyConfigModule.forRoot(config),
        LoggingModule.forService('tenant-api'),
        TenantRoutingModule.forRoot(),
        MasterDatabaseModule,
        TerminusModule,
        MetricsModule,
      ],
      controllers: [UsersController, TenantApiHealthController, metricsControllerFor(AdminBearerGuard, NoTenant())],
      providers: [UserRepository, UsersService, MasterDatabaseHealthIndicator, AdminKey, TenantPoolMetrics],
    };
  }
}

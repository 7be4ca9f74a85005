import { DynamicModule, Module } from '@nestjs/common';
import {
  AppConfig,
  LoggingModule,
  MasterDatabaseModule,
  SeedTenants,
  TenancyConfigModule,
  TenantRepository,
  TenantRoleLogin,
  TenantSecretCipher,
  TenantSeeder,
} from '@app/tenancy';

/**
 * `tenants:seed` logs into each tenant database as the tenant's own role: it needs master and
 * the seeds, not the provisioner's connection.
 */
@Module({})
export class SeedTenantsModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: SeedTenantsModule,
      imports: [TenancyConfigModule.forRoot(config), LoggingModule.forService('worker'), MasterDatabaseModule],
      providers: [TenantRepository, TenantSecretCipher, TenantRoleLogin, TenantSeeder, SeedTenants],
    };
  }
}

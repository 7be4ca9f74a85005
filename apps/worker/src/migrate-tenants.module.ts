import { DynamicModule, Module } from '@nestjs/common';
import {
  AppConfig,
  LoggingModule,
  MasterDatabaseModule,
  MigrateTenants,
  TenancyConfigModule,
  TenantRepository,
  TenantRoleLogin,
  TenantSchemaMigrator,
  TenantSecretCipher,
} from '@app/tenancy';

/**
 * `tenants:migrate` logs into each tenant database as the tenant's own role: it needs master
 * and the migrations, not the provisioner's connection.
 */
@Module({})
export class MigrateTenantsModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: MigrateTenantsModule,
      imports: [TenancyConfigModule.forRoot(config), LoggingModule.forService('worker'), MasterDatabaseModule],
      providers: [TenantRepository, TenantSecretCipher, TenantRoleLogin, TenantSchemaMigrator, MigrateTenants],
    };
  }
}

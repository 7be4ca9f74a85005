import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import {
  AppConfig,
  DependencyHealthIndicator,
  LoggingModule,
  MasterDatabaseModule,
  ProvisioningQueueModule,
  ProvisionTenant,
  ResealLegacyPasswords,
  TenancyConfigModule,
  TenantDatabaseAdmin,
  TenantDatabaseProvisioner,
  TenantEventsModule,
  TenantRepository,
  TenantSchemaMigrator,
  TenantSecretCipher,
  TenantSeeder,
  TenantServerCatalog,
  TenantServerModule,
  TenantTemplate,
  WarmPool,
  WarmSpareRepository,
} from '@app/tenancy';
import { WorkerHealthController } from './health/worker-health.controller';
import { ProvisionTenantProcessor } from './provisioning/provision-tenant.processor';
import { UnsettledTenantsReconciler } from './reconciler/unsettled-tenants.reconciler';
import { WorkerStartupChecks } from './startup/worker-startup-checks';
import { WarmPoolRefiller } from './warm-pool/warm-pool.refiller';

/** What a worker process runs: provisioning, with the provisioner's connection to the tenant server. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        TenancyConfigModule.forRoot(config),
        LoggingModule.forService('worker'),
        MasterDatabaseModule,
        ProvisioningQueueModule.forWorkers(),
        TenantEventsModule,
        TenantServerModule,
        TerminusModule,
      ],
      controllers: [WorkerHealthController],
      providers: [
        TenantRepository,
        TenantSecretCipher,
        TenantServerCatalog,
        TenantDatabaseAdmin,
        TenantSchemaMigrator,
        TenantSeeder,
        TenantTemplate,
        WarmSpareRepository,
        WarmPool,
        TenantDatabaseProvisioner,
        ProvisionTenant,
        ResealLegacyPasswords,
        DependencyHealthIndicator,
        ProvisionTenantProcessor,
        UnsettledTenantsReconciler,
        WarmPoolRefiller,
        WorkerStartupChecks,
      ],
    };
  }
}

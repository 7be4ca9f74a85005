import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import {
  AppConfig,
  BackupFiles,
  DependencyHealthIndicator,
  LifecycleQueueModule,
  LoggingModule,
  MasterDatabaseModule,
  PgArchiveTool,
  ProvisioningQueueModule,
  ProvisionTenant,
  ResealLegacyPasswords,
  RunLifecycleOperation,
  TenancyConfigModule,
  TenantAccessAdmin,
  TenantAccessOperations,
  TenantDatabaseAdmin,
  TenantDatabaseProvisioner,
  TenantEventsModule,
  TenantLifecycleRepository,
  TenantPurgeOperation,
  TenantRepository,
  TenantRestoreOperation,
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
import { TenantLifecycleProcessor } from './lifecycle/tenant-lifecycle.processor';
import { ProvisionTenantProcessor } from './provisioning/provision-tenant.processor';
import { LifecycleOperationsReconciler } from './reconciler/lifecycle-operations.reconciler';
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
        LifecycleQueueModule,
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
        TenantLifecycleRepository,
        TenantAccessAdmin,
        PgArchiveTool,
        BackupFiles,
        TenantAccessOperations,
        TenantPurgeOperation,
        TenantRestoreOperation,
        RunLifecycleOperation,
        TenantLifecycleProcessor,
        LifecycleOperationsReconciler,
      ],
    };
  }
}

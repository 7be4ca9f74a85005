import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import {
  AdminBearerGuard,
  AdminKey,
  AppConfig,
  BackupFiles,
  DatabaseServerDirectory,
  DatabaseServerRepository,
  DependencyHealthIndicator,
  FleetQueueModule,
  LifecycleQueueModule,
  LoggingModule,
  MasterDatabaseModule,
  MetricsModule,
  metricsControllerFor,
  PgArchiveTool,
  ProvisioningQueueModule,
  ProvisionTenant,
  ProvisioningMetrics,
  ReconcileRollouts,
  ResealLegacyPasswords,
  RolloutDispatcher,
  RolloutRepository,
  RolloutStepRepository,
  RunLifecycleOperation,
  RunRolloutStep,
  TenancyConfigModule,
  TenantAccessOperations,
  TenantEventsModule,
  TenantLifecycleRepository,
  TenantMigrationFiles,
  TenantMoveOperation,
  TenantMoveRepository,
  TenantPlacement,
  TenantPurgeOperation,
  TenantRepository,
  TenantRestoreOperation,
  TenantRoleLogin,
  TenantSchemaMigrator,
  TenantSecretCipher,
  TenantServerToolkits,
  TenantSeeder,
  WarmPoolMetrics,
} from '@app/tenancy';
import { WorkerHealthController } from './health/worker-health.controller';
import { FleetWorkers } from './fleet/fleet-workers';
import { RolloutTenantProcessor } from './fleet/rollout-tenant.processor';
import { TenantLifecycleProcessor } from './lifecycle/tenant-lifecycle.processor';
import { ProvisionTenantProcessor } from './provisioning/provision-tenant.processor';
import { LifecycleOperationsReconciler } from './reconciler/lifecycle-operations.reconciler';
import { RolloutsReconciler } from './reconciler/rollouts.reconciler';
import { UnsettledTenantsReconciler } from './reconciler/unsettled-tenants.reconciler';
import { WorkerStartupChecks } from './startup/worker-startup-checks';
import { ServerReachabilityMonitor } from './servers/server-reachability.monitor';
import { WarmPoolRefiller } from './warm-pool/warm-pool.refiller';

/** What a worker process runs: provisioning and lifecycle operations, with the provisioner's connections to the database servers. */
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
        FleetQueueModule,
        TenantEventsModule,
        TerminusModule,
        MetricsModule,
      ],
      controllers: [WorkerHealthController, metricsControllerFor(AdminBearerGuard)],
      providers: [
        TenantRepository,
        TenantSecretCipher,
        TenantSchemaMigrator,
        TenantSeeder,
        TenantServerToolkits,
        ProvisionTenant,
        ProvisioningMetrics,
        ResealLegacyPasswords,
        DependencyHealthIndicator,
        ProvisionTenantProcessor,
        UnsettledTenantsReconciler,
        WarmPoolRefiller,
        WarmPoolMetrics,
        ServerReachabilityMonitor,
        WorkerStartupChecks,
        TenantLifecycleRepository,
        PgArchiveTool,
        BackupFiles,
        TenantAccessOperations,
        TenantPurgeOperation,
        TenantRestoreOperation,
        TenantMoveRepository,
        TenantMoveOperation,
        RunLifecycleOperation,
        TenantLifecycleProcessor,
        LifecycleOperationsReconciler,
        DatabaseServerRepository,
        DatabaseServerDirectory,
        TenantPlacement,
        TenantRoleLogin,
        TenantMigrationFiles,
        RolloutRepository,
        RolloutStepRepository,
        RolloutDispatcher,
        RunRolloutStep,
        ReconcileRollouts,
        RolloutTenantProcessor,
        FleetWorkers,
        RolloutsReconciler,
        AdminKey,
      ],
    };
  }
}

import { DynamicModule, Module } from '@nestjs/common';
import {
  AppConfig,
  FleetQueueModule,
  LoggingModule,
  MasterDatabaseModule,
  PlanMigrationRollout,
  ProvisioningQueueModule,
  RolloutDispatcher,
  RolloutRepository,
  RolloutStepRepository,
  ShowRollout,
  StartMigrationRollout,
  TenancyConfigModule,
  TenantMigrationFiles,
  TenantReferences,
  TenantRepository,
  TenantRoleLogin,
  TenantSecretCipher,
} from '@app/tenancy';

/**
 * `tenants:migrate` starts a rollout and follows it: it needs master and the producer side of the
 * fleet queue, and (for a dry run) logins as each tenant's own role; never the provisioner's
 * connection. The workers do the migrating.
 */
@Module({})
export class MigrateTenantsModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: MigrateTenantsModule,
      imports: [
        TenancyConfigModule.forRoot(config),
        LoggingModule.forService('worker'),
        MasterDatabaseModule,
        // Its BullMQ connection (failing fast while Redis is away) serves the fleet queue too.
        ProvisioningQueueModule.forProducers(),
        FleetQueueModule,
      ],
      providers: [
        TenantRepository,
        TenantSecretCipher,
        TenantRoleLogin,
        TenantMigrationFiles,
        TenantReferences,
        RolloutRepository,
        RolloutStepRepository,
        RolloutDispatcher,
        StartMigrationRollout,
        PlanMigrationRollout,
        ShowRollout,
      ],
    };
  }
}

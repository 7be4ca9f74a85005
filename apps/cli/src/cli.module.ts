import { DynamicModule, Module } from '@nestjs/common';
import {
  AppConfig,
  FleetQueueModule,
  LIFECYCLE_REQUEST_PROVIDERS,
  LifecycleQueueModule,
  MasterDatabaseModule,
  ProvisioningQueueModule,
  RegisterTenant,
  ROLLOUT_CONTROL_PROVIDERS,
  SeedTenants,
  TenancyConfigModule,
  TenantEnqueuer,
  TenantEventsModule,
  TenantRepository,
  TenantRoleLogin,
  TenantSecretCipher,
  TenantSeeder,
  DATABASE_SERVER_PROVIDERS,
  TenantPlacement,
} from '@app/tenancy';
import { CliProgram } from './command/cli-program';
import { QueueConnection } from './command/queue-connection';
import { DeleteCommand } from './lifecycle/delete.command';
import { MoveCommand } from './lifecycle/move.command';
import { OperationWatch } from './lifecycle/operation-watch';
import { RestoreCommand } from './lifecycle/restore.command';
import { ResumeCommand } from './lifecycle/resume.command';
import { SuspendCommand } from './lifecycle/suspend.command';
import { CliLoggingModule } from './logging/cli-logging.module';
import { TERMINAL_STREAMS, Terminal, TerminalStreams } from './output/terminal';
import { MigrateCommand } from './rollouts/migrate.command';
import { RollbackCommand } from './rollouts/rollback.command';
import { RolloutCancelCommand } from './rollouts/rollout-cancel.command';
import { RolloutResumeCommand } from './rollouts/rollout-resume.command';
import { RolloutShowCommand } from './rollouts/rollout-show.command';
import { RolloutWatch } from './rollouts/rollout-watch';
import { RolloutCommand } from './rollouts/rollout.command';
import { SeedCommand } from './seeds/seed.command';
import { ServerAddCommand } from './servers/server-add.command';
import { ServerDisableCommand } from './servers/server-disable.command';
import { ServerDrainCommand } from './servers/server-drain.command';
import { ServerEnableCommand } from './servers/server-enable.command';
import { ServerListCommand } from './servers/server-list.command';
import { ServerShowCommand } from './servers/server-show.command';
import { ServerUpdateCommand } from './servers/server-update.command';
import { ServersCommand } from './servers/servers.command';
import { CreateCommand } from './tenants/create.command';
import { ListCommand } from './tenants/list.command';
import { ProvisioningWatch } from './tenants/provisioning-watch';
import { ShowCommand } from './tenants/show.command';
import { TenantFinder } from './tenants/tenant-finder';
import { TenantListing } from './tenants/tenant-listing';

/**
 * What `tenants` runs: the registry; the producer side of the provisioning, lifecycle and fleet
 * queues (create, suspend/resume/delete/restore, migrate/rollback: recorded in master, carried out
 * by the workers) and the tenant events they broadcast; what seeding and a dry run log in with
 * (each tenant's own role); what checks a backup before a restore is recorded. Never the
 * provisioner's connection.
 */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig, streams: TerminalStreams): DynamicModule {
    return {
      module: CliModule,
      imports: [
        TenancyConfigModule.forRoot(config),
        CliLoggingModule.forRoot(),
        MasterDatabaseModule,
        TenantEventsModule,
        ProvisioningQueueModule.forProducers(),
        LifecycleQueueModule,
        FleetQueueModule,
      ],
      providers: [
        { provide: TERMINAL_STREAMS, useValue: streams },
        Terminal,
        CliProgram,
        QueueConnection,
        TenantRepository,
        TenantSecretCipher,
        ...DATABASE_SERVER_PROVIDERS,
        TenantPlacement,
        TenantRoleLogin,
        TenantEnqueuer,
        RegisterTenant,
        TenantSeeder,
        SeedTenants,
        ...LIFECYCLE_REQUEST_PROVIDERS,
        ...ROLLOUT_CONTROL_PROVIDERS,
        TenantFinder,
        TenantListing,
        ProvisioningWatch,
        OperationWatch,
        RolloutWatch,
        ListCommand,
        ShowCommand,
        CreateCommand,
        SeedCommand,
        SuspendCommand,
        ResumeCommand,
        DeleteCommand,
        RestoreCommand,
        MoveCommand,
        MigrateCommand,
        RollbackCommand,
        RolloutCommand,
        RolloutShowCommand,
        RolloutResumeCommand,
        RolloutCancelCommand,
        ServersCommand,
        ServerAddCommand,
        ServerListCommand,
        ServerShowCommand,
        ServerDrainCommand,
        ServerEnableCommand,
        ServerDisableCommand,
        ServerUpdateCommand,
      ],
    };
  }
}

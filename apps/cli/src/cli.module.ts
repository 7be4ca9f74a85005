import { DynamicModule, Module } from '@nestjs/common';
import {
  AppConfig,
  BackupFiles,
  DeleteTenant,
  LifecycleQueueModule,
  LifecycleRequests,
  MasterDatabaseModule,
  PgArchiveTool,
  ProvisioningQueueModule,
  RegisterTenant,
  RestoreTenant,
  ResumeTenant,
  SeedTenants,
  SuspendTenant,
  TenancyConfigModule,
  TenantEnqueuer,
  TenantEventsModule,
  TenantLifecycleRepository,
  TenantRepository,
  TenantRoleLogin,
  TenantSecretCipher,
  TenantSeeder,
} from '@app/tenancy';
import { CliProgram } from './command/cli-program';
import { DeleteCommand } from './lifecycle/delete.command';
import { OperationWatch } from './lifecycle/operation-watch';
import { RestoreCommand } from './lifecycle/restore.command';
import { ResumeCommand } from './lifecycle/resume.command';
import { SuspendCommand } from './lifecycle/suspend.command';
import { CliLoggingModule } from './logging/cli-logging.module';
import { TERMINAL_STREAMS, Terminal, TerminalStreams } from './output/terminal';
import { SeedCommand } from './seeds/seed.command';
import { CreateCommand } from './tenants/create.command';
import { ListCommand } from './tenants/list.command';
import { ProvisioningWatch } from './tenants/provisioning-watch';
import { ShowCommand } from './tenants/show.command';
import { TenantFinder } from './tenants/tenant-finder';
import { TenantListing } from './tenants/tenant-listing';

/**
 * What `tenants` runs: the registry; the producer side of the provisioning and lifecycle queues
 * (create, suspend, resume, delete, restore: recorded in master, carried out by a worker) and the
 * tenant events they broadcast; what seeding logs in with (each tenant's own role); what checks a
 * backup before a restore is recorded. Never the provisioner's connection.
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
      ],
      providers: [
        { provide: TERMINAL_STREAMS, useValue: streams },
        Terminal,
        CliProgram,
        TenantRepository,
        TenantSecretCipher,
        TenantRoleLogin,
        TenantEnqueuer,
        RegisterTenant,
        TenantSeeder,
        SeedTenants,
        TenantLifecycleRepository,
        PgArchiveTool,
        BackupFiles,
        LifecycleRequests,
        SuspendTenant,
        ResumeTenant,
        DeleteTenant,
        RestoreTenant,
        TenantFinder,
        TenantListing,
        ProvisioningWatch,
        OperationWatch,
        ListCommand,
        ShowCommand,
        CreateCommand,
        SeedCommand,
        SuspendCommand,
        ResumeCommand,
        DeleteCommand,
        RestoreCommand,
      ],
    };
  }
}

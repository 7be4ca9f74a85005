import { DynamicModule, Module } from '@nestjs/common';
import {
  AppConfig,
  MasterDatabaseModule,
  ProvisioningQueueModule,
  RegisterTenant,
  SeedTenants,
  TenancyConfigModule,
  TenantEnqueuer,
  TenantRepository,
  TenantRoleLogin,
  TenantSecretCipher,
  TenantSeeder,
} from '@app/tenancy';
import { CliProgram } from './command/cli-program';
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
 * What `tenants` runs: the registry, the producer side of the provisioning queue (create), and
 * what seeding logs in with (each tenant's own role). Never the provisioner's connection.
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
        ProvisioningQueueModule.forProducers(),
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
        TenantFinder,
        TenantListing,
        ProvisioningWatch,
        ListCommand,
        ShowCommand,
        CreateCommand,
        SeedCommand,
      ],
    };
  }
}

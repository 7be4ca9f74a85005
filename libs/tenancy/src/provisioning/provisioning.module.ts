import { Module } from '@nestjs/common';
import { TenantEventsModule } from '../events/tenant-events.module';
import { TenantDatabasesModule } from '../tenant-databases/tenant-databases.module';
import { MigrateTenants } from './migrate-tenants.use-case';
import { ProvisionTenant } from './provision-tenant.use-case';

/** The worker's side: the steps that turn a pending tenant into a ready database. */
@Module({
  imports: [TenantDatabasesModule, TenantEventsModule],
  providers: [MigrateTenants, ProvisionTenant],
  exports: [MigrateTenants, ProvisionTenant, TenantDatabasesModule],
})
export class ProvisioningModule {}

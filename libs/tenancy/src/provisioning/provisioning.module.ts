import { Module } from '@nestjs/common';
import { TenantEventsModule } from '../events/tenant-events.module';
import { TenantDatabasesModule } from '../tenant-databases/tenant-databases.module';
import { MigrateTenants } from './migrate-tenants.use-case';
import { ProvisionTenant } from './provision-tenant.use-case';
import { ResealLegacyPasswords } from './reseal-legacy-passwords.use-case';

/** The worker's side: the steps that turn a pending tenant into a ready database. */
@Module({
  imports: [TenantDatabasesModule, TenantEventsModule],
  providers: [MigrateTenants, ProvisionTenant, ResealLegacyPasswords],
  exports: [MigrateTenants, ProvisionTenant, ResealLegacyPasswords, TenantDatabasesModule],
})
export class ProvisioningModule {}

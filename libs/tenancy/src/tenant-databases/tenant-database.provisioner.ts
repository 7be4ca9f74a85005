import { Injectable } from '@nestjs/common';
import { DatabaseOrigin, MaterializedDatabase, TenantDatabaseFactory, TenantDatabaseSpec } from './tenant-database.factory';
import { TenantSchemaMigrator } from './tenant-schema.migrator';
import { TenantTemplate } from './tenant-template';

/** The database half of provisioning: role, database, ownership, schema. Each step repeatable. */
@Injectable()
export class TenantDatabaseProvisioner {
  constructor(
    private readonly factory: TenantDatabaseFactory,
    private readonly migrator: TenantSchemaMigrator,
    private readonly template: TenantTemplate,
  ) {}

  /** Makes the tenant's role and database and gives the one to the other. */
  createDatabase(spec: TenantDatabaseSpec): Promise<MaterializedDatabase> {
    return this.factory.materialize(spec);
  }

  /**
   * Applies the tenant migrations not applied yet. A spare is current by construction (its
   * name carries the template's fingerprint); a template copy's tables are handed to the
   * tenant's role and the migrations confirmed.
   */
  async migrate(spec: TenantDatabaseSpec, origin: DatabaseOrigin): Promise<void> {
    if (origin === 'pool') return;
    await this.migrator.migrateToLatest(spec.dbName, {
      role: spec.role,
      reassignFrom: origin === 'created' ? undefined : await this.template.existingOwnerRole(),
      freeStaleLock: origin === 'existing',
    });
  }
}

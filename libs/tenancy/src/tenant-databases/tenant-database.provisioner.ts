import { Injectable } from '@nestjs/common';
import { TenantDatabaseAdmin } from './tenant-database.admin';
import { DatabaseOrigin, TenantDatabaseFactory } from './tenant-database.factory';
import { TenantSchemaMigrator } from './tenant-schema.migrator';
import { TenantTemplate } from './tenant-template';

export interface TenantDatabaseSpec {
  dbName: string;
  role: string;
  password: string;
}

/** The database half of provisioning: role, database, ownership, schema. Each step repeatable. */
@Injectable()
export class TenantDatabaseProvisioner {
  constructor(
    private readonly admin: TenantDatabaseAdmin,
    private readonly factory: TenantDatabaseFactory,
    private readonly migrator: TenantSchemaMigrator,
    private readonly template: TenantTemplate,
  ) {}

  /** Makes the tenant's role and database and gives the one to the other. */
  async createDatabase(spec: TenantDatabaseSpec): Promise<DatabaseOrigin> {
    await this.admin.ensureRole(spec.role, spec.password);
    const origin = await this.factory.materialize(spec.dbName);
    await this.admin.handOver(spec.dbName, spec.role);
    return origin;
  }

  /** Applies the tenant migrations not yet applied; for a copy of the template, only confirms. */
  async migrate(spec: TenantDatabaseSpec, origin: DatabaseOrigin): Promise<void> {
    await this.migrator.migrateToLatest(spec.dbName, {
      role: spec.role,
      reassignFrom: origin === 'created' ? undefined : await this.template.existingOwnerRole(),
      freeStaleLock: origin === 'existing',
    });
  }
}

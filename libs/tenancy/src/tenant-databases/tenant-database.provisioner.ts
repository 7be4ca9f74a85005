import { Logger } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { TenantError } from '../errors/tenant-error';
import type { SchemaVersion } from '../registry/tenant';
import { scramSha256Verifier } from '../secrets/scram-verifier';
import { InternalDatabaseNames } from './internal-database-names';
import { tenantMark } from './service-marks';
import { TenantDatabaseAdmin } from './tenant-database.admin';
import { DatabaseFacts, RoleFacts, TenantServerCatalog } from './tenant-server.catalog';
import { TenantSchemaMigrator } from './tenant-schema.migrator';
import { TenantSeeder } from './tenant-seeder';
import { TenantTemplate } from './tenant-template';
import { WarmPool } from './warm-pool';

/** How the tenant's database came to be, fastest first. */
export type DatabaseOrigin = 'existing' | 'pool' | 'template' | 'created';

export interface MaterializedDatabase {
  origin: DatabaseOrigin;
  /**
   * Made in this attempt from the template while the files are those it was built from (a warm
   * spare, or a copy made while the files have not changed since): nothing to do inside it.
   */
  current: boolean;
  /** Set when a warm spare was taken: its role logs in with this password (sealed for the tenant), not the one asked for. */
  sealedPassword?: string;
}

export interface TenantDatabaseSpec {
  tenantId: string;
  dbName: string;
  role: string;
  password: string;
}

/** The template is being rebuilt or dropped right now, or someone is connected to it. */
const TEMPLATE_BUSY_CODES = new Set(['55006', '3D000']);

/**
 * The database half of provisioning, each step repeatable. The database left by an earlier
 * attempt for this tenant is reused as it is, else a warm spare is taken, else the template is
 * cloned, else the database is created empty; then it is given to the tenant's role and brought
 * up to date, migrations then seeds. A database or role with the tenant's name that does not
 * carry this tenant's mark is never touched.
 */
export class TenantDatabaseProvisioner {
  private readonly logger = new Logger(TenantDatabaseProvisioner.name);
  private readonly names: InternalDatabaseNames;

  constructor(
    config: Pick<AppConfig, 'tenants'>,
    private readonly admin: TenantDatabaseAdmin,
    private readonly catalog: TenantServerCatalog,
    private readonly migrator: TenantSchemaMigrator,
    private readonly seeder: TenantSeeder,
    private readonly template: TenantTemplate,
    private readonly pool: WarmPool,
  ) {
    this.names = new InternalDatabaseNames(config.tenants.databasePrefix);
  }

  /** Makes the tenant's role and database and gives the one to the other. */
  async createDatabase(spec: TenantDatabaseSpec): Promise<MaterializedDatabase> {
    const mark = tenantMark(spec.tenantId);
    const building = this.names.newTenantDatabase(spec.tenantId);
    const [database, role, leftover] = await Promise.all([
      this.catalog.describeDatabase(spec.dbName),
      this.catalog.describeRole(spec.role),
      this.catalog.describeDatabase(building),
    ]);
    assertMadeFor(spec, mark, database, role);
    // What a crashed attempt left under the building name is of no use to this one.
    if (leftover.state !== 'missing') await this.admin.drop(building);
    if (database.state === 'invalid') {
      this.logger.warn({ dbName: spec.dbName }, 'database left invalid by an interrupted operation; rebuilding it');
      await this.admin.drop(spec.dbName);
    }
    if (database.state !== 'valid' && !role) {
      const sealedPassword = await this.pool.claim({ tenantId: spec.tenantId, dbName: spec.dbName, role: spec.role, mark });
      if (sealedPassword) return { origin: 'pool', current: true, sealedPassword };
    }
    // Hashed on libuv's thread pool while the database is being made.
    const verifier = scramSha256Verifier(spec.password);
    const existing = database.state === 'valid';
    const origin = existing ? 'existing' : await this.createMissing(building);
    const owner = { name: spec.role, verifier: await verifier, mark };
    const handOver = { name: spec.dbName, building: existing ? undefined : building };
    // A role already there is an earlier attempt's (it carries this tenant's mark): it is set up again.
    if (role) await this.admin.handOverToExistingRole(handOver, owner);
    else await this.admin.handOverToNewRole(handOver, owner);
    // The files are read once here, for the migrations and the seeds alike.
    return { origin, current: origin === 'template' && (await this.template.filesUnchanged()) };
  }

  /** Whether the server lets the provisioner do anything at all (it should not). */
  runsAsSuperuser(): Promise<boolean> {
    return this.catalog.provisionerIsSuperuser();
  }

  /** A copy of the template when there is a usable one, else an empty database, under its building name. */
  private async createMissing(building: string): Promise<DatabaseOrigin> {
    const template = await this.template.usable();
    if (template) {
      try {
        return (await this.admin.cloneDatabase(template, building)) ? 'template' : nameTaken(building);
      } catch (error) {
        if (!TEMPLATE_BUSY_CODES.has((error as { code?: string }).code ?? '')) throw error;
        this.logger.warn({ dbName: building, err: error }, 'template busy; creating the database without it');
      }
    }
    return (await this.admin.createDatabase(building)) ? 'created' : nameTaken(building);
  }

  /**
   * Applies the tenant migrations not applied yet, and returns where the database now stands. A
   * spare is current by construction (its name carries the template's fingerprint), and so is a
   * template copy while the files are those the template was built from; their tables are their
   * owner's: nothing to do inside them. Any other database is checked, on a connection into it.
   */
  async migrate(spec: TenantDatabaseSpec, { origin, current }: MaterializedDatabase): Promise<SchemaVersion> {
    if (current) return this.template.schemaVersion();
    // An earlier attempt's database may be a copy of a template built when a role owned its tables.
    const owners = { role: spec.role, reassignFrom: origin === 'existing' ? await this.template.existingOwnerRole() : undefined };
    // Only an earlier attempt's database can hold the lock of a migration killed midway.
    if (origin === 'existing') await this.migrator.resumeBeforeHandOut(spec.dbName, owners);
    else await this.migrator.migrateBeforeHandOut(spec.dbName, owners);
    return this.migrator.version();
  }

  /**
   * Applies the tenant seeds not applied yet, after the migrations; returns how many. A spare or a
   * template copy carries the template's seeds (its fingerprint covers them); any other database
   * is checked, each seed recorded in it in the seed's own transaction.
   */
  async seed(spec: TenantDatabaseSpec, { current }: MaterializedDatabase): Promise<number> {
    if (current) return 0;
    return this.seeder.seedBeforeHandOut(spec.dbName, spec.role);
  }
}

function assertMadeFor(spec: TenantDatabaseSpec, mark: string, database: DatabaseFacts, role: RoleFacts | undefined): void {
  if (database.state !== 'missing' && database.mark !== mark) {
    throw TenantError.foreignDatabaseObject('database', spec.dbName, 'exists but was not made by this service for this tenant');
  }
  if (!role) return;
  if (role.mark !== mark)
    throw TenantError.foreignDatabaseObject('role', spec.role, 'exists but was not made by this service for this tenant');
  if (role.privileged.length) {
    throw TenantError.foreignDatabaseObject(
      'role',
      spec.role,
      `has ${role.privileged.join(', ')}, and such a role is never given a login`,
    );
  }
}

/** Only this attempt, holding the tenant's lock, makes databases under this name. */
function nameTaken(building: string): never {
  throw new Error(`database "${building}" appeared while being made; the attempt will be retried`);
}

import { escapeLiteral, Pool } from 'pg';
import { TenantError } from '../errors/tenant-error';
import { quoteIdentifier as q } from '../postgres/quote-identifier';
import { tenantMark } from './service-marks';
import { DatabaseFacts, RoleFacts, TenantServerCatalog } from './tenant-server.catalog';

/** How long ending a session may take before PostgreSQL reports it still running. */
const TERMINATE_WAIT_MS = 5000;

/** The tenant's role and database as found on the server, each only if this service made it for this tenant. */
export interface TenantObjects {
  /** The role, when it exists (it then carries the tenant's mark). */
  role: RoleFacts | undefined;
  /** The database exists (valid, or left invalid by an interrupted DROP) and carries the tenant's mark. */
  database: DatabaseFacts['state'] | false;
}

/**
 * Who may reach a tenant's database: its role's LOGIN and password, and its open sessions. The
 * provisioner does this from outside the tenant's database (ALTER ROLE needs CREATEROLE; ending
 * another role's sessions is allowed to a member of that role, which the provisioner made itself
 * when it created it), so nothing here runs in a database a tenant could have touched. Nothing
 * without the tenant's mark is ever changed.
 */
export class TenantAccessAdmin {
  constructor(
    private readonly server: Pool,
    private readonly catalog: TenantServerCatalog,
  ) {}

  /** What of the tenant is on the server; a role or database with its name but not its mark stops everything. */
  async find(tenant: { id: string; dbName: string; dbRole: string }): Promise<TenantObjects> {
    const [database, role] = await Promise.all([
      this.catalog.describeDatabase(tenant.dbName),
      this.catalog.describeRole(tenant.dbRole),
    ]);
    const mark = tenantMark(tenant.id);
    if (database.state !== 'missing' && database.mark !== mark) throw foreign('database', tenant.dbName);
    if (role && role.mark !== mark) throw foreign('role', tenant.dbRole);
    return { role, database: database.state === 'missing' ? false : database.state };
  }

  /** No new session may start as the role, and those open are ended; returns how many were. */
  async shutOut(role: string): Promise<number> {
    await this.server.query(`ALTER ROLE ${q(role)} NOLOGIN`);
    return this.endSessions(role);
  }

  /** A role someone gave SUPERUSER, CREATEDB, … is never given a login (see docs/security.md). */
  async letIn(role: string, facts: RoleFacts): Promise<void> {
    if (facts.privileged.length)
      throw TenantError.foreignDatabaseObject(
        'role',
        role,
        `has ${facts.privileged.join(', ')}, and such a role is never given a login`,
      );
    await this.server.query(`ALTER ROLE ${q(role)} LOGIN`);
  }

  /** Sets the role's password from its SCRAM verifier: the password itself never reaches the server. */
  async setPassword(role: string, verifier: string): Promise<void> {
    await this.server.query(`ALTER ROLE ${q(role)} PASSWORD ${escapeLiteral(verifier)}`);
  }

  /** Ends every session logged in as the role (waiting up to 5 s for each to go). */
  async endSessions(role: string): Promise<number> {
    const result = await this.server.query<{ ended: boolean }>(
      'SELECT pg_terminate_backend(pid, $2) AS ended FROM pg_stat_activity WHERE usename = $1 AND pid <> pg_backend_pid()',
      [role, TERMINATE_WAIT_MS],
    );
    return result.rows.filter((row) => row.ended).length;
  }
}

function foreign(kind: 'database' | 'role', name: string): TenantError {
  return TenantError.foreignDatabaseObject(kind, name, 'exists but was not made by this service for this tenant');
}

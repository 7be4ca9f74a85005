import { Pool } from 'pg';
import { preparedStatement } from '../postgres/prepared-statement';

/** PostgreSQL 15.4+ marks a database whose DROP was interrupted with datconnlimit = -2. */
const INVALID_DATABASE_CONNLIMIT = -2;

export type DatabaseState = 'missing' | 'valid' | 'invalid';

export interface DatabaseFacts {
  state: DatabaseState;
  /** The database's comment, where the service puts its mark. */
  mark?: string;
  ownedByProvisioner: boolean;
}

/** Attributes that must never come with a login the service hands out. */
export const PRIVILEGED_ROLE_ATTRIBUTES = ['SUPERUSER', 'CREATEDB', 'CREATEROLE', 'REPLICATION', 'BYPASSRLS'] as const;
type PrivilegedRoleAttribute = (typeof PRIVILEGED_ROLE_ATTRIBUTES)[number];

export interface RoleFacts {
  mark?: string;
  privileged: PrivilegedRoleAttribute[];
}

interface DatabaseRow {
  datconnlimit: number;
  mark: string | null;
  mine: boolean;
}

/** Each privileged attribute is selected under its own name. */
type RoleRow = { mark: string | null } & Record<PrivilegedRoleAttribute, boolean>;

/** What the tenant server's catalogs say about databases and roles; reads only. */
export class TenantServerCatalog {
  constructor(private readonly server: Pool) {}

  async describeDatabase(dbName: string): Promise<DatabaseFacts> {
    const result = await this.server.query<DatabaseRow>({
      ...preparedStatement('catalog-describe-database'),
      text: `SELECT datconnlimit, shobj_description(oid, 'pg_database') AS mark, datdba = (SELECT oid FROM pg_roles WHERE rolname = current_user) AS mine
               FROM pg_database WHERE datname = $1`,
      values: [dbName],
    });
    const row = result.rows[0];
    if (!row) return { state: 'missing', ownedByProvisioner: false };
    const state = row.datconnlimit === INVALID_DATABASE_CONNLIMIT ? 'invalid' : 'valid';
    return { state, mark: row.mark ?? undefined, ownedByProvisioner: row.mine };
  }

  async describeRole(role: string): Promise<RoleFacts | undefined> {
    const result = await this.server.query<RoleRow>({
      ...preparedStatement('catalog-describe-role'),
      text: `SELECT shobj_description(oid, 'pg_authid') AS mark, rolsuper AS "SUPERUSER", rolcreatedb AS "CREATEDB",
                    rolcreaterole AS "CREATEROLE", rolreplication AS "REPLICATION", rolbypassrls AS "BYPASSRLS"
               FROM pg_roles WHERE rolname = $1`,
      values: [role],
    });
    const row = result.rows[0];
    if (!row) return undefined;
    return { mark: row.mark ?? undefined, privileged: PRIVILEGED_ROLE_ATTRIBUTES.filter((attribute) => row[attribute]) };
  }

  /** Resolves when the server answers a query. */
  async answers(): Promise<void> {
    await this.server.query('SELECT 1');
  }

  async provisionerIsSuperuser(): Promise<boolean> {
    const result = await this.server.query<{ rolsuper: boolean }>('SELECT rolsuper FROM pg_roles WHERE rolname = current_user');
    return result.rows[0]?.rolsuper === true;
  }

  /** Database names that start with `prefix`, taken literally. */
  async databasesStartingWith(prefix: string): Promise<string[]> {
    const text = 'SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname';
    const result = await this.server.query<{ datname: string }>({
      ...preparedStatement('catalog-databases-starting-with'),
      text,
      values: [prefix],
    });
    return result.rows.map((row) => row.datname);
  }

  async rolesStartingWith(prefix: string): Promise<string[]> {
    const sql = 'SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1) ORDER BY rolname';
    return (await this.server.query<{ rolname: string }>(sql, [prefix])).rows.map((row) => row.rolname);
  }
}

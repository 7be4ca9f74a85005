import { InternalDatabaseNames } from '@app/tenancy';
import { pollUntil } from '../../support/processes/wait';
import type { PrivatePostgres } from './private-postgres';
import type { ScenarioWorld } from './scenario-world';

/** The registered name of each cluster: `default` is the lab's (TENANT_DATABASE_URL), `far` the move's target. */
export type ServerName = 'default' | 'far';

export interface MovedTenant {
  id: string;
  dbName: string;
  dbRole: string;
  /** A tenant-api key of the tenant's. */
  key: string;
  /** The emails written through tenant-api before the move. */
  emails: string[];
}

/** What the tenant's data adds up to; equal on both sides of a move that lost and doubled nothing. */
export interface Fingerprint {
  bulkRows: number;
  bulkSum: string;
  bulkHash: string;
  users: number;
  /** knex_migrations rows beyond one per migration name. */
  migrationsTwice: number;
}

export interface TenantRow {
  status: string;
  server: string;
  operation: string | null;
  operation_error: string | null;
  move_source: string | null;
  move_target: string | null;
}

const quoted = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/** One scenario's two servers and its tenant, and the reads that say where the tenant is. */
export class MoveRig {
  readonly names: InternalDatabaseNames;
  tenant!: MovedTenant;

  constructor(
    readonly world: ScenarioWorld,
    readonly servers: Record<ServerName, PrivatePostgres>,
  ) {
    this.names = new InternalDatabaseNames(world.tenantPrefix);
  }

  get master(): PrivatePostgres {
    return this.servers.default;
  }

  get building(): string {
    return this.names.newTenantDatabase(this.tenant.id);
  }

  /**
   * A ready tenant on `default` holding `rows` rows of random text in a table without a primary
   * key (a row loaded twice shows in the count), made as its role, and a few users written
   * through tenant-api.
   */
  async makeTenant(rows: number): Promise<MovedTenant> {
    const created = await this.world.create(`Chaos ${this.world.key} mover`);
    if (created.status !== 202) throw new Error(`POST /org/create: ${created.status} ${JSON.stringify(created.body)}`);
    const id = created.body.id as string;
    if (!(await this.world.waitSettled(30_000, [id]))) throw new Error('the tenant was not provisioned');
    const [row] = await this.master.query<{ db_name: string }>(this.world.masterDb, 'SELECT db_name FROM tenants WHERE id = $1', [
      id,
    ]);
    if (!row) throw new Error(`the tenant ${id} has no row in tenants`);
    const dbName = row.db_name;
    const dbRole = dbName; // the role is named after the database
    await this.master.query(
      dbName,
      `SET ROLE ${quoted(dbRole)};
       CREATE TABLE bulk (n int NOT NULL, payload text NOT NULL);
       INSERT INTO bulk SELECT g, md5(random()::text) || md5(g::text) || md5(random()::text) || md5(random()::text)
         FROM generate_series(1, ${Number(rows)}) g;
       RESET ROLE`,
    );
    const issued = await this.world.request('POST', `/org/${id}/api-keys`);
    if (issued.status !== 201) throw new Error(`POST /org/${id}/api-keys: ${issued.status} ${JSON.stringify(issued.body)}`);
    this.tenant = { id, dbName, dbRole, key: issued.body.key as string, emails: [] };
    for (let index = 0; index < 5; index++) {
      const email = `before${index}@example.com`;
      const written = await this.users('POST', '/users', { name: `Before ${index}`, email });
      if (written.status !== 201) throw new Error(`POST /users through tenant-api: ${written.status}`);
      this.tenant.emails.push(email);
    }
    return this.tenant;
  }

  /** A request to tenant-api as the tenant. */
  async users(method: string, path: string, json?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${this.world.tenantApi!.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.tenant.key}`,
        ...(json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: json === undefined ? undefined : JSON.stringify(json),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  async requestMove(to: ServerName = 'far'): Promise<void> {
    const answer = await this.world.request('POST', `/org/${this.tenant.id}/move`, { server: to });
    if (answer.status !== 202) throw new Error(`POST /org/:id/move: ${answer.status} ${JSON.stringify(answer.body)}`);
  }

  async row(): Promise<TenantRow> {
    const [row] = await this.master.query<TenantRow>(
      this.world.masterDb,
      'SELECT status, server, operation, operation_error, move_source, move_target FROM tenants WHERE id = $1',
      [this.tenant.id],
    );
    return row!;
  }

  /** The master row once no operation is recorded; undefined at the timeout. */
  async moveSettled(timeoutMs: number): Promise<TenantRow | undefined> {
    let row: TenantRow | undefined;
    const settled = await pollUntil(async () => (row = await this.row()).operation === null, timeoutMs, 100);
    return settled ? row : undefined;
  }

  async fingerprint(server: ServerName): Promise<Fingerprint> {
    const [bulk] = await this.servers[server].query<{ rows: number; sum: string; hash: string }>(
      this.tenant.dbName,
      'SELECT count(*)::int AS rows, sum(n)::text AS sum, sum(hashtext(payload)::bigint)::text AS hash FROM bulk',
    );
    const [users] = await this.servers[server].query<{ count: number }>(
      this.tenant.dbName,
      'SELECT count(*)::int AS count FROM users',
    );
    const [migrations] = await this.servers[server].query<{ twice: number }>(
      this.tenant.dbName,
      'SELECT (count(*) - count(DISTINCT name))::int AS twice FROM knex_migrations',
    );
    return {
      bulkRows: bulk!.rows,
      bulkSum: bulk!.sum,
      bulkHash: bulk!.hash,
      users: users!.count,
      migrationsTwice: migrations!.twice,
    };
  }

  /** What of the tenant the server holds: its database (and its oid), its role (and whether it logs in), the copy being built. */
  async presence(server: ServerName) {
    const pg = this.servers[server];
    const [database] = await pg.query<{ oid: number }>('postgres', 'SELECT oid::int FROM pg_database WHERE datname = $1', [
      this.tenant.dbName,
    ]);
    const [role] = await pg.query<{ login: boolean }>('postgres', 'SELECT rolcanlogin AS login FROM pg_roles WHERE rolname = $1', [
      this.tenant.dbRole,
    ]);
    const [building] = await pg.query('postgres', 'SELECT 1 FROM pg_database WHERE datname = $1', [this.building]);
    return { databaseOid: database?.oid, role: role ? { login: role.login } : undefined, building: building !== undefined };
  }

  /** Sessions in `database` whose statement is `ILIKE pattern` and waits on a lock; their pids. */
  async waitingOnLock(server: ServerName, database: string, pattern: string): Promise<number[]> {
    const rows = await this.servers[server].query<{ pid: number }>(
      'postgres',
      `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock' AND query ILIKE $2`,
      [database, pattern],
    );
    return rows.map((row) => row.pid);
  }

  /** Ends sessions of a worker already killed: a blocked statement would otherwise still run once the lock is free. */
  async terminate(server: ServerName, pids: number[]): Promise<void> {
    await this.servers[server].query('postgres', 'SELECT pg_terminate_backend(pid, 5000) FROM unnest($1::int[]) pid', [pids]);
  }
}

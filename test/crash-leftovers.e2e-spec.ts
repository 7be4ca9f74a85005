import { tenantMark } from '@app/tenancy';
import { http } from './support/http';
import { waitForStatus } from './support/tenant-client';
import { useRunningStack } from './support/running-stack';

/**
 * What a worker killed halfway leaves behind, laid out by hand, then the tenant retried:
 * each must end ready, with one database, all migrations applied and nothing locked.
 */
describe('leftovers of a crashed attempt', () => {
  const world = useRunningStack();
  const { stack } = world;

  const failedTenant = async (slug: string) => {
    const dbName = `${stack.config.tenants.databasePrefix}${slug}`;
    const [row] = await stack.query<{ id: string }>(
      "INSERT INTO tenants (name, slug, db_name, status, step) VALUES ($1, $1, $2, 'failed', 'started') RETURNING id",
      [slug, dbName],
    );
    return { id: row!.id, dbName };
  };
  const retryUntilReady = async (id: string) => {
    expect((await http(world.api, 'POST', `/org/${id}/retry`)).status).toBe(202);
    return waitForStatus(world.api, id, ['ready', 'failed']);
  };
  const admin = (sql: string) => stack.query(sql, [], 'postgres');
  /** What the service writes on every database and role it makes for a tenant. */
  const mark = (kind: 'ROLE' | 'DATABASE', tenant: { id: string; dbName: string }) =>
    admin(`COMMENT ON ${kind} "${tenant.dbName}" IS '${tenantMark(tenant.id)}'`);

  it('frees a Knex migration lock left held and finishes the migrations', async () => {
    const tenant = await failedTenant('stale_lock');
    await admin(`CREATE ROLE "${tenant.dbName}" LOGIN`);
    await admin(`CREATE DATABASE "${tenant.dbName}" OWNER "${tenant.dbName}"`);
    await mark('ROLE', tenant);
    await mark('DATABASE', tenant);
    // As the tenant's role, as a migration run by the worker would have left it.
    await stack.query(
      `SET ROLE "${tenant.dbName}";
       CREATE TABLE knex_migrations_lock ("index" serial PRIMARY KEY, is_locked integer);
       INSERT INTO knex_migrations_lock (is_locked) VALUES (1)`,
      [],
      tenant.dbName,
    );
    const settled = await retryUntilReady(tenant.id);
    expect(settled.error).toBeNull();
    expect(settled.status).toBe('ready');
    expect(await stack.query('SELECT is_locked FROM knex_migrations_lock', [], tenant.dbName)).toEqual([{ is_locked: 0 }]);
    expect(await stack.query("SELECT 1 AS users FROM pg_tables WHERE tablename = 'users'", [], tenant.dbName)).toHaveLength(1);
  });

  it('rebuilds a database PostgreSQL marked invalid', async () => {
    const tenant = await failedTenant('invalid_db');
    await admin(`CREATE DATABASE "${tenant.dbName}"`);
    await mark('DATABASE', tenant);
    await admin(`UPDATE pg_database SET datconnlimit = -2 WHERE datname = '${tenant.dbName}'`);
    expect((await retryUntilReady(tenant.id)).status).toBe('ready');
    const [database] = await stack.query<{ datconnlimit: number }>(
      'SELECT datconnlimit FROM pg_database WHERE datname = $1',
      [tenant.dbName],
      'postgres',
    );
    expect(database!.datconnlimit).toBe(-1);
  });

  it("reuses the tenant's role left without a database", async () => {
    const tenant = await failedTenant('role_only');
    await admin(`CREATE ROLE "${tenant.dbName}" LOGIN`);
    await mark('ROLE', tenant);
    expect((await retryUntilReady(tenant.id)).status).toBe('ready');
    expect(await stack.tenantDatabases()).toContain(tenant.dbName);
    expect(await stack.tableOwners(tenant.dbName, 'users')).toEqual([tenant.dbName]);
  });

  it('makes again a database a crashed attempt left under its building name', async () => {
    const tenant = await failedTenant('half_built');
    const building = stack.internalNames.newTenantDatabase(tenant.id);
    await admin(`CREATE DATABASE "${building}"`);
    expect((await retryUntilReady(tenant.id)).status).toBe('ready');
    expect(await stack.query('SELECT 1 FROM pg_database WHERE datname = $1', [building], 'postgres')).toEqual([]);
    expect(await stack.query("SELECT 1 AS users FROM pg_tables WHERE tablename = 'users'", [], tenant.dbName)).toHaveLength(1);
  });
});

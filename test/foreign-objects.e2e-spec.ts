import { tenantMark } from '@app/tenancy';
import { createOrg, waitForStatus } from './support/tenant-client';
import { useRunningStack } from './support/running-stack';

/**
 * Databases and roles with a tenant's name that the service did not make for that tenant: the
 * tenant fails at once with a clear error, and what was there stays exactly as it was.
 */
describe('nothing foreign is adopted', () => {
  const world = useRunningStack();
  const { stack } = world;
  const admin = (sql: string) => stack.query(sql, [], 'postgres');
  const dbNameOf = (slug: string) => `${stack.config.tenants.databasePrefix}${slug}`;

  const roleFacts = async (role: string) =>
    (
      await stack.query<Record<string, unknown>>(
        `SELECT rolcanlogin, rolcreatedb, rolpassword IS NOT NULL AS has_password, shobj_description(oid, 'pg_authid') AS comment
           FROM pg_authid WHERE rolname = $1`,
        [role],
        'postgres',
      )
    )[0];
  const databaseFacts = async (dbName: string) =>
    (
      await stack.query<Record<string, unknown>>(
        `SELECT pg_get_userbyid(datdba) AS owner, shobj_description(oid, 'pg_database') AS comment,
                has_database_privilege('public', oid, 'CONNECT') AS public_connect
           FROM pg_database WHERE datname = $1`,
        [dbName],
        'postgres',
      )
    )[0];

  it('refuses a database and role of that name made by someone else, and leaves them as they were', async () => {
    const victim = dbNameOf('victim');
    await admin(`CREATE ROLE "${victim}" NOLOGIN CREATEDB`);
    await admin(`CREATE DATABASE "${victim}" OWNER "${victim}"`);
    await stack.query(`CREATE TABLE precious (id int); INSERT INTO precious VALUES (42)`, [], victim);
    const [roleBefore, databaseBefore] = [await roleFacts(victim), await databaseFacts(victim)];

    const tenant = await createOrg(world.api, 'Victim');
    const settled = await waitForStatus(world.api, tenant.id, ['ready', 'failed']);

    expect(settled.status).toBe('failed');
    expect(settled.attempts).toBe(1);
    expect(settled.error).toMatch(new RegExp(`"${victim}" exists but was not made by this service.*left untouched`));
    expect(await roleFacts(victim)).toEqual(roleBefore);
    expect(roleBefore).toMatchObject({ rolcanlogin: false, rolcreatedb: true, has_password: false });
    expect(await databaseFacts(victim)).toEqual(databaseBefore);
    expect(await stack.query('SELECT id FROM precious', [], victim)).toEqual([{ id: 42 }]);
  });

  it('refuses a foreign role alone and never gives it a login or a password', async () => {
    const role = dbNameOf('lonely_role');
    await admin(`CREATE ROLE "${role}" NOLOGIN CREATEROLE`);
    const tenant = await createOrg(world.api, 'Lonely Role');
    const settled = await waitForStatus(world.api, tenant.id, ['ready', 'failed']);
    expect(settled.status).toBe('failed');
    expect(settled.error).toMatch(/role ".*lonely_role" exists but was not made by this service/);
    expect(await roleFacts(role)).toMatchObject({ rolcanlogin: false, has_password: false, comment: null });
    expect(await databaseFacts(role)).toBeUndefined();
  });

  it('never gives a login to a role of its own that someone gave CREATEDB', async () => {
    const tenant = await createOrg(world.api, 'Promoted');
    await waitForStatus(world.api, tenant.id, ['ready']);
    await stack.query("UPDATE tenants SET status = 'failed' WHERE id = $1", [tenant.id]);
    await admin(`ALTER ROLE "${tenant.dbName}" NOLOGIN CREATEDB`);
    const retried = await fetch(`${world.api}/org/${tenant.id}/retry`, { method: 'POST' });
    expect(retried.status).toBe(202);
    // The status route may answer from its one-second cache of ready tenants: wait for `failed`.
    const settled = await waitForStatus(world.api, tenant.id, ['failed'], 10_000);
    expect(settled.error).toMatch(/has CREATEDB, and such a role is never given a login/);
    expect(await roleFacts(tenant.dbName)).toMatchObject({ rolcanlogin: false, rolcreatedb: true });
  });

  it("does not hand a deleted tenant's database, data and all, to a tenant registered again under its name", async () => {
    const first = await createOrg(world.api, 'Reborn');
    await waitForStatus(world.api, first.id, ['ready']);
    await stack.query("INSERT INTO users (name, email) VALUES ('Old', 'old@reborn.test')", [], first.dbName);
    await stack.query('DELETE FROM tenants WHERE id = $1', [first.id]);

    const second = await createOrg(world.api, 'Reborn');
    const settled = await waitForStatus(world.api, second.id, ['ready', 'failed']);
    expect(settled.status).toBe('failed');
    expect(await databaseFacts(first.dbName)).toMatchObject({ owner: first.dbName, comment: tenantMark(first.id) });
    expect(await stack.query('SELECT email FROM users', [], first.dbName)).toEqual([{ email: 'old@reborn.test' }]);
  });

  it("refuses names that map onto PostgreSQL's own databases or the service's users", async () => {
    const answer = await fetch(`${world.api}/org/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'master' }),
    });
    expect(answer.status).toBe(400);
    expect(stack.config.tenants.reservedDatabaseNames).toEqual(expect.arrayContaining(['postgres', 'template0', 'template1']));
  });
});

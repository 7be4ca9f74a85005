import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { databaseOf, TenantSecretCipher, withDatabase } from '@app/tenancy';
import { http } from './support/http';
import { createOrg, waitForStatus } from './support/tenant-client';
import { TestStack } from './support/test-stack';

/** The provisioner is an ordinary role with CREATEDB and CREATEROLE, not a superuser. */
describe('least privilege', () => {
  const provisioner = `provisioner_${randomBytes(4).toString('hex')}`;
  const stack = new TestStack({
    TENANT_DATABASE_URL: `postgres://${provisioner}@127.0.0.1:5432/postgres`,
    TENANT_SECRET_KEY: 'ef'.repeat(32),
  });
  let api: string;

  const connectAs = async (role: string, database: string) => {
    const client = new Client({ connectionString: withDatabase(`postgres://${role}@127.0.0.1:5432/`, database) });
    await client.connect();
    return client;
  };

  beforeAll(async () => {
    await stack.query(`CREATE ROLE "${provisioner}" LOGIN CREATEDB CREATEROLE`, [], 'postgres');
    api = await stack.startApi();
    await stack.startWorker();
  });
  afterAll(async () => {
    await stack.teardown();
    await stack.query(`DROP ROLE IF EXISTS "${provisioner}"`, [], 'postgres');
  });

  it('gives each tenant its own role that owns its database and tables, and keeps others out', async () => {
    const [alpha, beta] = await Promise.all([createOrg(api, 'Alpha Co'), createOrg(api, 'Beta Co')]);
    await Promise.all([waitForStatus(api, alpha.id, ['ready']), waitForStatus(api, beta.id, ['ready'])]);

    const [database] = await stack.query<{ owner: string; public_connect: boolean }>(
      `SELECT pg_get_userbyid(datdba) AS owner, has_database_privilege('public', oid, 'CONNECT') AS public_connect
         FROM pg_database WHERE datname = $1`,
      [alpha.dbName],
      'postgres',
    );
    expect(database).toEqual({ owner: alpha.dbName, public_connect: false });
    const [table] = await stack.query<{ tableowner: string }>(
      "SELECT tableowner FROM pg_tables WHERE tablename = 'users'",
      [],
      alpha.dbName,
    );
    expect(table!.tableowner).toBe(alpha.dbName);

    const own = await connectAs(alpha.dbName, alpha.dbName);
    await own.query("INSERT INTO users (name, email) VALUES ('Ada', 'ada@alpha.test')");
    await own.end();
    await expect(connectAs(alpha.dbName, beta.dbName)).rejects.toThrow(/permission denied for database/);
    await expect(connectAs(alpha.dbName, databaseOf(stack.config.master.url))).rejects.toThrow(/permission denied for database/);
    const [role] = await stack.query<{ rolconnlimit: number }>(
      'SELECT rolconnlimit FROM pg_roles WHERE rolname = $1',
      [alpha.dbName],
      'postgres',
    );
    expect(role!.rolconnlimit).toBe(stack.config.tenants.roleConnectionLimit);
  });

  it('stores the role password only encrypted', async () => {
    const rows = await stack.query<{ db_password_encrypted: string }>('SELECT db_password_encrypted FROM tenants');
    for (const row of rows) expect(row.db_password_encrypted).toMatch(/^v2\.[\w-]+\.[\w-]+\.[\w-]+$/);
    const [provisionerRole] = await stack.query<{ rolsuper: boolean }>(
      'SELECT rolsuper FROM pg_roles WHERE rolname = $1',
      [provisioner],
      'postgres',
    );
    expect(provisionerRole!.rolsuper).toBe(false);
  });

  it('rotates a ready tenant role password, keeping only the new ciphertext', async () => {
    const [tenant] = await stack.query<{ id: string; db_name: string; db_password_encrypted: string }>(
      'SELECT id, db_name, db_password_encrypted FROM tenants LIMIT 1',
    );
    const verifier = async () =>
      (
        await stack.query<{ rolpassword: string }>(
          'SELECT rolpassword FROM pg_authid WHERE rolname = $1',
          [tenant!.db_name],
          'postgres',
        )
      )[0]!.rolpassword;
    const before = await verifier();

    const answer = await http(api, 'POST', `/org/${tenant!.id}/credentials/rotate`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: tenant!.id, role: tenant!.db_name, dbName: tenant!.db_name });

    const [after] = await stack.query<{ db_password_encrypted: string }>('SELECT db_password_encrypted FROM tenants WHERE id = $1', [
      tenant!.id,
    ]);
    expect(after!.db_password_encrypted).not.toBe(tenant!.db_password_encrypted);
    expect(new TenantSecretCipher(stack.config).decrypt(after!.db_password_encrypted, tenant!.id)).toBe(answer.body.password);
    expect(await verifier()).not.toBe(before);
  });

  it('refuses to rotate credentials of a tenant that is not ready', async () => {
    await stack.query("INSERT INTO tenants (name, slug, db_name) VALUES ('Pending One', 'pending_one', $1)", [
      `${stack.config.tenants.databasePrefix}pending_one`,
    ]);
    const [pending] = await stack.query<{ id: string }>("SELECT id FROM tenants WHERE slug = 'pending_one'");
    const answer = await http(api, 'POST', `/org/${pending!.id}/credentials/rotate`);
    expect(answer.status).toBe(409);
  });
});

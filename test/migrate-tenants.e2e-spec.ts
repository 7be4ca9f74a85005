import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { withDatabase } from '@app/tenancy';
import { Client } from 'pg';
import { startRollout, waitForRollout } from './support/rollouts';
import { createOrg, waitForStatus } from './support/tenant-client';
import { TestStack } from './support/test-stack';

const newMigration = (table: string) => `
exports.up = (knex) => knex.schema.createTable('${table}', (table) => table.increments('id'));
exports.down = (knex) => knex.schema.dropTable('${table}');
`;

/**
 * What a tenant holding its credentials can leave in its own database for whoever comes next:
 * a trigger on Knex's lock table and a view in place of its migrations table, both calling a
 * function that drops any SET ROLE and tries to read a server file.
 */
const TRAPS = `
  CREATE TABLE spy (who text, got text);
  CREATE FUNCTION probe() RETURNS boolean LANGUAGE plpgsql AS $$
  BEGIN
    RESET ROLE;
    BEGIN
      INSERT INTO spy VALUES (current_user, left(pg_read_file('PG_VERSION'), 20));
    EXCEPTION WHEN insufficient_privilege THEN
      INSERT INTO spy VALUES (current_user, 'denied');
    END;
    RETURN true;
  END $$;
  CREATE FUNCTION probe_trigger() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM probe(); RETURN NEW; END $$;
  CREATE TRIGGER trap BEFORE UPDATE ON knex_migrations_lock FOR EACH ROW EXECUTE FUNCTION probe_trigger();
  ALTER TABLE knex_migrations RENAME TO knex_migrations_real;
  CREATE VIEW knex_migrations AS SELECT * FROM knex_migrations_real WHERE probe();
`;

describe('migrating existing tenants (POST /fleet/migrations; npm run tenants:migrate)', () => {
  const migrations = mkdtempSync(path.join(tmpdir(), 'tenant-migrations-'));
  const stack = new TestStack({ TENANT_MIGRATIONS_DIR: migrations });
  let api: string;

  beforeAll(async () => {
    cpSync(path.resolve(__dirname, '../migrations/tenant'), migrations, { recursive: true });
    api = await stack.startApi();
    await stack.startWorker();
  });
  afterAll(async () => {
    await stack.teardown();
    rmSync(migrations, { recursive: true, force: true });
  });

  /** A rollout over every ready tenant, followed until it is over (what `npm run tenants:migrate` asks for). */
  const migrateAll = async () => waitForRollout(api, (await startRollout(api)).id);

  it('applies a new tenant migration to every ready tenant, as the tenant role, and again harmlessly', async () => {
    const tenants = await Promise.all(['Existing One', 'Existing Two'].map((name) => createOrg(api, name)));
    await Promise.all(tenants.map((tenant) => waitForStatus(api, tenant.id, ['ready'])));
    writeFileSync(path.join(migrations, '29990101000000_create_invoices.js'), newMigration('invoices'));

    expect(await migrateAll()).toMatchObject({ state: 'completed', totals: { total: 2, migrated: 2 } });
    for (const tenant of tenants) {
      const owners = await stack.query<{ tableowner: string }>(
        "SELECT tableowner FROM pg_tables WHERE tablename = 'invoices'",
        [],
        tenant.dbName,
      );
      expect(owners).toEqual([{ tableowner: tenant.dbName }]);
    }
    expect(await migrateAll()).toMatchObject({ state: 'completed', totals: { total: 2, skipped: 2 } });
  });

  it("runs everything in a tenant's database as the tenant's role: its traps get no more than it has", async () => {
    const tenant = await createOrg(api, 'Trapper');
    await waitForStatus(api, tenant.id, ['ready']);
    // Trust authentication on the test server: the role's password is not needed to connect as it.
    const asTenant = new Client({ connectionString: withDatabase(`postgres://${tenant.dbName}@127.0.0.1:5432/`, tenant.dbName) });
    await asTenant.connect();
    await asTenant.query(TRAPS);
    await asTenant.end();
    writeFileSync(path.join(migrations, '29990102000000_create_receipts.js'), newMigration('receipts'));

    const report = await waitForRollout(api, (await startRollout(api, { tenants: [tenant.id] })).id);

    expect(report).toMatchObject({ state: 'completed', totals: { migrated: 1 } });
    const spied = await stack.query<{ who: string; got: string }>('SELECT DISTINCT who, got FROM spy', [], tenant.dbName);
    expect(spied).toEqual([{ who: tenant.dbName, got: 'denied' }]);
    const [receipts] = await stack.query<{ tableowner: string }>(
      "SELECT tableowner FROM pg_tables WHERE tablename = 'receipts'",
      [],
      tenant.dbName,
    );
    expect(receipts).toEqual({ tableowner: tenant.dbName });
  });
});

import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { http } from './support/http';
import { rolloutTenants, startRollout, sumOfStates, waitForRollout } from './support/rollouts';
import { createOrg, waitForStatus } from './support/tenant-client';
import { TestStack } from './support/test-stack';
import { waitFor } from './support/wait-for';

const FLEET_SIZE = 40;
const INVOICES = '29990101000000_create_invoices';
const RECEIPTS = '29990102000000_create_receipts';
const AUDIT = '29990103000000_create_audit';
const NOTES = '29990104000000_create_notes';
const LEDGER = '29990105000000_create_ledger';
const POISON = 'poison@example.test';

const createTable = (table: string, before = '') => `
exports.up = async (knex) => {
  ${before}
  await knex.schema.createTable('${table}', (table) => table.increments('id'));
};
exports.down = (knex) => knex.schema.dropTable('${table}');
`;
/** Fails in a tenant whose users hold the poisoned row: a migration that fails on one tenant's data. */
const REFUSES_POISON = `const { rows } = await knex.raw("SELECT count(*)::int AS n FROM users WHERE email = '${POISON}'");
  if (rows[0].n > 0) throw new Error('receipts cannot be made: users holds ${POISON}');`;

interface FleetTenant {
  id: string;
  dbName: string;
}

/**
 * Fleet rollouts through the admin api, against the real PostgreSQL and Redis with the api and a
 * worker in this process: one fleet of 40 tenants, several migrations added one after the other.
 */
describe('fleet migrations as rollouts', () => {
  const migrations = mkdtempSync(path.join(tmpdir(), 'fleet-migrations-'));
  // Every rollout here must end by its tenants' own work: the reconciler, which would end one too, does not run meanwhile.
  const stack = new TestStack({
    TENANT_MIGRATIONS_DIR: migrations,
    FLEET_MIGRATION_CONCURRENCY: '4',
    RECONCILE_INTERVAL_MS: '3600000',
  });
  const fleet: FleetTenant[] = [];
  let api: string;
  let worker: INestApplication;

  /** A new migration file, and a worker restarted on it, as a deploy would do. */
  const deploy = async (name: string, source: string) => {
    writeFileSync(path.join(migrations, `${name}.js`), source);
    await stack.stop(worker);
    worker = await stack.startWorker();
  };
  const tablesIn = async (dbName: string) =>
    (await stack.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public'", [], dbName)).map(
      (row) => row.tablename,
    );
  const timesApplied = async (dbName: string, migration: string) =>
    (await stack.query<{ n: number }>('SELECT count(*)::int AS n FROM knex_migrations WHERE name = $1', [migration], dbName))[0]!.n;
  const orgOf = async (id: string) =>
    (await http(api, 'GET', `/org/${id}`)).body as { schema: { migration: string; fingerprint: string } };

  beforeAll(async () => {
    cpSync(path.resolve(__dirname, '../migrations/tenant'), migrations, { recursive: true });
    api = await stack.startApi();
    worker = await stack.startWorker();
    const created = await Promise.all(Array.from({ length: FLEET_SIZE }, (_, index) => createOrg(api, `Fleet Tenant ${index}`)));
    await Promise.all(created.map((tenant) => waitForStatus(api, tenant.id, ['ready'], 120_000)));
    fleet.push(...created.map(({ id, dbName }) => ({ id, dbName })));
  }, 180_000);
  afterAll(async () => {
    await stack.teardown();
    rmSync(migrations, { recursive: true, force: true });
  });

  it('records each tenant schema version at provisioning', async () => {
    const { body } = await http(api, 'GET', `/org?limit=1`);
    expect(body.items[0].schema).toEqual({
      migration: '20250101000000_create_users_table',
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });

  it('dry run: the pending migrations of every tenant, read as its role, and nothing recorded', async () => {
    writeFileSync(path.join(migrations, `${INVOICES}.js`), createTable('invoices'));

    const { status, body } = await http(api, 'POST', '/fleet/migrations', { json: { dryRun: true, canary: 3 } });

    expect(status).toBe(200);
    expect(body).toMatchObject({
      dryRun: true,
      kind: 'migrate',
      totals: { total: FLEET_SIZE, current: 0, behind: FLEET_SIZE, unknown: 0 },
    });
    expect(body.tenants.map((tenant: { pending: string[] }) => tenant.pending)).toEqual(fleet.map(() => [INVOICES]));
    expect(
      body.tenants.filter((tenant: { canary: boolean }) => tenant.canary).map((tenant: { position: number }) => tenant.position),
    ).toEqual([1, 2, 3]);
    expect(await stack.query('SELECT id FROM rollouts')).toEqual([]);
    expect(await timesApplied(fleet[0]!.dbName, INVOICES)).toBe(0);
  });

  it(`migrates ${FLEET_SIZE} tenants as their roles; tenants provisioned meanwhile come out current`, async () => {
    await deploy(INVOICES, createTable('invoices'));
    const started = Date.now();

    const rollout = await startRollout(api);
    const late = await Promise.all(['Late Comer One', 'Late Comer Two'].map((name) => createOrg(api, name)));
    const done = await waitForRollout(api, rollout.id);
    const tookMs = Date.now() - started;

    expect(rollout.totals.total).toBe(FLEET_SIZE);
    expect(done).toMatchObject({ state: 'completed', error: null, totals: { total: FLEET_SIZE, migrated: FLEET_SIZE } });
    expect(sumOfStates(done.totals)).toBe(done.totals.total);
    // Paged by 15: three pages, every tenant once, in position order.
    const tenants = await rolloutTenants(api, rollout.id, 15);
    expect(tenants.map((tenant) => tenant.position)).toEqual(fleet.map((_, index) => index + 1));
    expect(new Set(tenants.map((tenant) => tenant.tenantId))).toEqual(new Set(fleet.map((tenant) => tenant.id)));
    for (const tenant of tenants) expect(tenant).toMatchObject({ state: 'migrated', applied: [INVOICES], error: null });
    for (const { id, dbName } of fleet) {
      const [owner] = await stack.query<{ tableowner: string }>(
        "SELECT tableowner FROM pg_tables WHERE tablename = 'invoices'",
        [],
        dbName,
      );
      expect(owner).toEqual({ tableowner: dbName });
      expect(await timesApplied(dbName, INVOICES)).toBe(1);
      expect((await orgOf(id)).schema).toEqual({ migration: INVOICES, fingerprint: done.targetFingerprint });
    }
    for (const tenant of late) {
      await waitForStatus(api, tenant.id, ['ready']);
      expect(await tablesIn(tenant.dbName)).toContain('invoices');
      expect((await orgOf(tenant.id)).schema).toEqual({ migration: INVOICES, fingerprint: done.targetFingerprint });
      fleet.push({ id: tenant.id, dbName: tenant.dbName });
    }
    process.stdout.write(`fleet rollout: ${FLEET_SIZE} tenants migrated in ${tookMs} ms\n`);
  }, 120_000);

  it('records every tenant already current as skipped with the rollout, which completes at once', async () => {
    const done = await startRollout(api);

    expect(done).toMatchObject({ state: 'completed', totals: { total: fleet.length, skipped: fleet.length } });
    for (const tenant of await rolloutTenants(api, done.id))
      expect(tenant).toMatchObject({ state: 'skipped', applied: [], durationMs: 0 });
  });

  describe('a migration that fails on one tenant data', () => {
    let poisoned: FleetTenant;

    beforeAll(async () => {
      // The oldest ready tenant: position 1 of every rollout over all of them, so in any canary.
      const [first] = await stack.query<{ id: string }>(
        "SELECT id FROM tenants WHERE status = 'ready' ORDER BY created_at, id LIMIT 1",
      );
      poisoned = fleet.find((tenant) => tenant.id === first!.id)!;
      await stack.query(`INSERT INTO users (name, email) VALUES ('Mallory', '${POISON}')`, [], poisoned.dbName);
      writeFileSync(path.join(migrations, `${RECEIPTS}.js`), createTable('receipts', REFUSES_POISON));
    });

    it('stops a canary rollout with nothing beyond the canary touched', async () => {
      const done = await waitForRollout(api, (await startRollout(api, { canary: 3 })).id);

      expect(done.state).toBe('stopped');
      expect(done.error).toContain(`users holds ${POISON}`);
      expect(done.totals).toMatchObject({ total: fleet.length, failed: 1, migrated: 2, cancelled: fleet.length - 3 });
      expect(sumOfStates(done.totals)).toBe(done.totals.total);
      const tenants = await rolloutTenants(api, done.id);
      expect(tenants.find((tenant) => tenant.state === 'failed')).toMatchObject({ tenantId: poisoned.id, position: 1 });
      for (const tenant of tenants.filter((each) => each.state === 'cancelled')) {
        expect(tenant.position).toBeGreaterThan(3);
        expect(await timesApplied(fleet.find((each) => each.id === tenant.tenantId)!.dbName, RECEIPTS)).toBe(0);
      }
      expect(await timesApplied(poisoned.dbName, RECEIPTS)).toBe(0);

      // Resuming retries the failed tenant first; it fails again, and the rest stay untouched.
      expect((await http(api, 'POST', `/fleet/migrations/${done.id}/resume`)).status).toBe(202);
      const again = await waitForRollout(api, done.id);
      expect(again).toMatchObject({ state: 'stopped', totals: { failed: 1, migrated: 2, cancelled: fleet.length - 3 } });
    });

    it('with continueOnError, fails only that tenant, named in the report', async () => {
      const done = await waitForRollout(api, (await startRollout(api, { continueOnError: true })).id);

      // The two canary tenants migrated before are current: skipped.
      expect(done).toMatchObject({ state: 'completed', error: '1 tenant(s) failed' });
      expect(done.totals).toMatchObject({ total: fleet.length, failed: 1, skipped: 2, migrated: fleet.length - 3 });
      const { body } = await http(api, 'GET', `/fleet/migrations/${done.id}?state=failed`);
      expect(body.tenants.items).toEqual([expect.objectContaining({ tenantId: poisoned.id, state: 'failed' })]);
      expect(body.tenants.items[0].error).toContain(`users holds ${POISON}`);
      for (const { id, dbName } of fleet) expect(await timesApplied(dbName, RECEIPTS)).toBe(id === poisoned.id ? 0 : 1);
    });

    afterAll(async () => {
      await stack.query('DELETE FROM users WHERE email = $1', [POISON], poisoned.dbName);
    });
  });

  it("rolls back the chosen tenants' last batch, as a rollout, and a later rollout brings them back", async () => {
    // The two provisioned during the first rollout: their last batch is receipts alone.
    const chosen = fleet.slice(-2);
    const [{ slug }] = (await stack.query<{ slug: string }>('SELECT slug FROM tenants WHERE id = $1', [chosen[1]!.id])) as [
      { slug: string },
    ];

    const done = await waitForRollout(api, (await startRollout(api, { tenants: [chosen[0]!.id, slug] }, 'rollbacks')).id);

    expect(done).toMatchObject({ kind: 'rollback', state: 'completed', totals: { total: 2, migrated: 2 } });
    expect(done.reportUrl).toBe(`/fleet/rollbacks/${done.id}`);
    for (const tenant of await rolloutTenants(api, done.id)) expect(tenant).toMatchObject({ state: 'migrated', applied: [RECEIPTS] });
    for (const { id, dbName } of chosen) {
      expect(await tablesIn(dbName)).not.toContain('receipts');
      expect(await timesApplied(dbName, RECEIPTS)).toBe(0);
      expect((await orgOf(id)).schema.migration).toBe(INVOICES);
    }

    const again = await waitForRollout(api, (await startRollout(api)).id);
    // The poisoned tenant, its data fixed, is migrated too.
    expect(again.totals).toMatchObject({ total: fleet.length, migrated: 3, skipped: fleet.length - 3 });
    for (const { dbName } of chosen) expect(await timesApplied(dbName, RECEIPTS)).toBe(1);
  });

  it('resumes after Redis lost every job mid-rollout: each tenant migrated exactly once', async () => {
    // Slow enough per tenant that the flush lands in the middle.
    writeFileSync(path.join(migrations, `${AUDIT}.js`), createTable('audit', 'await knex.raw("SELECT pg_sleep(0.2)");'));
    const rollout = await startRollout(api);
    await waitFor('a few tenants migrated', async () => {
      const { body } = await http(api, 'GET', `/fleet/migrations/${rollout.id}?limit=1`);
      return body.totals.migrated >= 8 ? true : undefined;
    });

    await stack.flushQueues();
    const resumed = await http(api, 'POST', `/fleet/migrations/${rollout.id}/resume`);
    const done = await waitForRollout(api, rollout.id);

    expect(resumed.status).toBe(202);
    expect(done).toMatchObject({ state: 'completed', totals: { total: fleet.length, migrated: fleet.length } });
    for (const { dbName } of fleet) expect(await timesApplied(dbName, AUDIT)).toBe(1);
  }, 90_000);

  it('cancels a running rollout: tenants not started are never touched, and resume finishes it', async () => {
    writeFileSync(path.join(migrations, `${NOTES}.js`), createTable('notes', 'await knex.raw("SELECT pg_sleep(0.2)");'));
    const rollout = await startRollout(api);
    await waitFor('a few tenants migrated', async () => {
      const { body } = await http(api, 'GET', `/fleet/migrations/${rollout.id}?limit=1`);
      return body.totals.migrated >= 4 ? true : undefined;
    });

    const cancelled = await http(api, 'POST', `/fleet/migrations/${rollout.id}/cancel`);
    expect(cancelled).toMatchObject({ status: 200, body: { state: 'cancelled', error: 'cancelled on request' } });
    // Those being migrated at the cancel finish and are recorded; then nothing is left running.
    const settled = await waitFor('the tenants running at the cancel to finish', async () => {
      const { body } = await http(api, 'GET', `/fleet/migrations/${rollout.id}?limit=1`);
      return body.totals.running === 0 ? body : undefined;
    });
    expect(settled.totals.cancelled).toBeGreaterThan(0);
    expect(settled.totals.migrated + settled.totals.cancelled).toBe(fleet.length);
    for (const tenant of await rolloutTenants(api, rollout.id)) {
      const { dbName } = fleet.find((each) => each.id === tenant.tenantId)!;
      expect(await timesApplied(dbName, NOTES)).toBe(tenant.state === 'migrated' ? 1 : 0);
    }
    expect((await http(api, 'POST', `/fleet/migrations/${rollout.id}/cancel`)).status).toBe(200);

    expect((await http(api, 'POST', `/fleet/migrations/${rollout.id}/resume`)).status).toBe(202);
    const done = await waitForRollout(api, rollout.id);
    expect(done).toMatchObject({ state: 'completed', totals: { total: fleet.length, migrated: fleet.length } });
    for (const { dbName } of fleet) expect(await timesApplied(dbName, NOTES)).toBe(1);
  }, 90_000);

  it('two workers together migrate at most FLEET_MIGRATION_CONCURRENCY tenants of a server at once', async () => {
    // 4 each in either worker: only the server's queue-wide limit keeps the two of them to 4 in all.
    writeFileSync(path.join(migrations, `${LEDGER}.js`), createTable('ledger', 'await knex.raw("SELECT pg_sleep(0.237)");'));
    const second = await stack.startWorker();
    const databases = fleet.map((tenant) => tenant.dbName);
    const migrating = async () =>
      (
        await stack.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = ANY($1) AND query LIKE '%pg_sleep(0.237)%'",
          [databases],
        )
      )[0]!.n;
    const rollout = await startRollout(api);
    const seen: number[] = [];
    let settled = false;
    const finished = waitForRollout(api, rollout.id).finally(() => (settled = true));
    while (!settled) {
      seen.push(await migrating());
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const done = await finished;
    await stack.stop(second);

    expect(done).toMatchObject({ state: 'completed', totals: { total: fleet.length, migrated: fleet.length } });
    expect(Math.max(...seen)).toBe(4);
  }, 90_000);

  describe('refusals', () => {
    it.each([
      [{ canary: 0 }, 'canary: canary must be at least 1'],
      [{ canary: 'two' }, 'canary: canary must be a whole number from 1 to 1000000'],
      [{ statuses: ['asleep'] }, 'statuses.0: each status must be one of'],
      [{ tenants: [] }, 'tenants: tenants, when given, must name at least one tenant'],
      [{ tenants: ['no-such-tenant'] }, 'no tenant with id or slug "no-such-tenant"'],
      [{ everything: true }, 'Unrecognized key'],
      [[1], 'body must be a JSON object'],
    ])('400 for %j', async (body, message) => {
      const answer = await http(api, 'POST', '/fleet/migrations', { json: body });
      expect(answer.status).toBe(400);
      expect([answer.body.message].flat().join('\n')).toContain(message);
    });

    it('400 for a rollback that names no tenant, or a malformed id; 404 for an unknown rollout', async () => {
      expect((await http(api, 'POST', '/fleet/rollbacks', { json: {} })).status).toBe(400);
      expect((await http(api, 'GET', '/fleet/migrations/not-a-uuid')).status).toBe(400);
      expect((await http(api, 'GET', `/fleet/migrations/${fleet[0]!.id}?limit=0`)).status).toBe(400);
      const unknown = '00000000-0000-4000-8000-000000000000';
      expect((await http(api, 'GET', `/fleet/migrations/${unknown}`)).status).toBe(404);
      expect((await http(api, 'POST', `/fleet/migrations/${unknown}/resume`)).status).toBe(404);
      expect((await http(api, 'POST', `/fleet/migrations/${unknown}/cancel`)).status).toBe(404);
    });

    it('409 for resuming or cancelling a completed rollout', async () => {
      const done = await waitForRollout(api, (await startRollout(api, { tenants: [fleet[0]!.id] })).id);
      expect(done.state).toBe('completed');
      const resumed = await http(api, 'POST', `/fleet/migrations/${done.id}/resume`);
      expect(resumed).toMatchObject({ status: 409, body: { message: expect.stringContaining('is completed') } });
      expect((await http(api, 'POST', `/fleet/migrations/${done.id}/cancel`)).status).toBe(409);
    });
  });
});

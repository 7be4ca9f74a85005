import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PrivatePostgres } from './chaos/support/private-postgres';
import { http } from './support/http';
import { startRollout, waitForRollout } from './support/rollouts';
import { freePort } from './support/processes/free-port';
import { useRunningStack } from './support/running-stack';
import { createOrg, waitForStatus } from './support/tenant-client';
import { waitFor } from './support/wait-for';

/**
 * Tenants spread over three PostgreSQL servers: the shared one (`default`) and two private
 * clusters started here. Placement by free capacity, a full fleet, each tenant's database made
 * and reached on its own server, and a server stopped: only its tenants are affected.
 */

interface PlacedTenant {
  id: string;
  dbName: string;
  server: string;
  key: string;
}

describe('tenants on several database servers', () => {
  const world = useRunningStack({ WARM_POOL_SIZE: '1' });
  const root = mkdtempSync(path.join(tmpdir(), 'multi-server-'));
  const clusters: Record<string, PrivatePostgres> = {};
  let tenantApi = '';

  beforeAll(async () => {
    // The clusters run as the postgres user, which must be able to reach their directories.
    chmodSync(root, 0o755);
    for (const name of ['east', 'west']) {
      clusters[name] = new PrivatePostgres(path.join(root, name), await freePort());
      await clusters[name].init();
      await clusters[name].start();
    }
    tenantApi = await world.stack.startTenantApi();
  }, 120_000);

  afterAll(async () => {
    for (const cluster of Object.values(clusters)) await cluster.stop('immediate').catch(() => cluster.kill9());
    rmSync(root, { recursive: true, force: true });
  });

  const admin = <T = any>(method: string, url: string, json?: unknown) => http<T>(world.api, method, url, { json });

  async function addServer(name: string, capacity: number): Promise<void> {
    const added = await admin('POST', '/servers', { name, url: clusters[name]!.url('postgres'), capacity });
    expect(added.status).toBe(201);
  }

  async function readyTenant(name: string): Promise<PlacedTenant> {
    const created = await createOrg(world.api, name);
    await waitForStatus(world.api, created.id, ['ready'], 30_000);
    const { body } = await admin<{ server: string }>('GET', `/org/${created.id}`);
    const issued = await admin<{ key: string }>('POST', `/org/${created.id}/api-keys`);
    return { id: created.id, dbName: created.dbName, server: body.server, key: issued.body.key };
  }

  const usersOf = (tenant: PlacedTenant, method = 'GET', json?: unknown) =>
    http(tenantApi, method, '/users', { json, headers: { authorization: `Bearer ${tenant.key}` } });

  async function databasesOn(server: string): Promise<string[]> {
    const sql = 'SELECT datname FROM pg_database WHERE starts_with(datname, $1)';
    const prefix = world.stack.config.tenants.databasePrefix;
    const rows =
      server === 'default'
        ? await world.stack.query<{ datname: string }>(sql, [prefix], 'postgres')
        : await clusters[server]!.query<{ datname: string }>('postgres', sql, [prefix]);
    return rows.map((row) => row.datname);
  }

  const tenants: PlacedTenant[] = [];

  it('places each new tenant on the active server with the most room, and makes its database there', async () => {
    expect((await admin('PATCH', '/servers/default', { capacity: 1 })).status).toBe(200);
    await addServer('east', 2);
    await addServer('west', 3);

    for (const name of ['One', 'Two', 'Three', 'Four', 'Five', 'Six']) tenants.push(await readyTenant(`Multi ${name}`));

    // Most room first, a tie to the first name: west (3 free) → east (2, tied with west) → west (2) →
    // default (1, tied with both) → east → west.
    expect(tenants.map((tenant) => tenant.server)).toEqual(['west', 'east', 'west', 'default', 'east', 'west']);
    for (const server of ['default', 'east', 'west']) {
      const expected = tenants.filter((tenant) => tenant.server === server).map((tenant) => tenant.dbName);
      expect(await databasesOn(server)).toEqual(expect.arrayContaining(expected));
    }
    const { body } = await admin<{ items: Array<{ name: string; tenants: number; capacity: number }> }>('GET', '/servers');
    expect(body.items.map(({ name, tenants: count, capacity }) => [name, count, capacity])).toEqual([
      ['default', 1, 1],
      ['east', 2, 2],
      ['west', 3, 3],
    ]);
  });

  it('records a tenant no server has room for, answers 503, and provisions it once room appears', async () => {
    const refused = await admin<{ tenantId: string; statusUrl: string }>('POST', '/org/create', { name: 'Multi Seven' });
    expect(refused.status).toBe(503);
    expect(refused.body.statusUrl).toBe(`/org/${refused.body.tenantId}/status`);
    expect((await admin('PATCH', '/servers/east', { capacity: 3 })).status).toBe(200);
    await waitForStatus(world.api, refused.body.tenantId, ['ready'], 45_000);
    const { body } = await admin<{ server: string; dbName: string }>('GET', `/org/${refused.body.tenantId}`);
    expect(body.server).toBe('east');
    expect(await databasesOn('east')).toContain(body.dbName);
  });

  it('routes tenant apps to each tenant on its own server', async () => {
    for (const [index, tenant] of tenants.entries()) {
      const created = await usersOf(tenant, 'POST', { name: `User ${index}`, email: `user${index}@example.com` });
      expect(created.status).toBe(201);
    }
    for (const tenant of tenants) {
      const listed = await usersOf(tenant);
      expect(listed.status).toBe(200);
      expect((listed.body as { items: unknown[] }).items).toHaveLength(1);
    }
  });

  it("rolls migrations out to every server's tenants, each server's through its own fleet queue", async () => {
    const ids = tenants.map((tenant) => tenant.id);
    const rolledBack = await waitForRollout(world.api, (await startRollout(world.api, { tenants: ids }, 'rollbacks')).id);
    expect(rolledBack).toMatchObject({ state: 'completed', totals: { total: ids.length, migrated: ids.length } });

    const migrated = await waitForRollout(world.api, (await startRollout(world.api, { tenants: ids })).id);
    expect(migrated).toMatchObject({ state: 'completed', totals: { total: ids.length, migrated: ids.length } });
    for (const tenant of tenants) expect(await usersOf(tenant)).toMatchObject({ status: 200, body: { items: [] } });
    const metrics = await http<string>(world.api, 'GET', '/metrics');
    for (const server of ['default', 'east', 'west'])
      expect(metrics.body).toMatch(new RegExp(`tenancy_queue_jobs\\{queue="tenant-fleet-${server}",state="completed"\\} [1-9]`));
  });

  it('with a server stopped, answers 503 for its tenants only and places new tenants elsewhere', async () => {
    const onEast = tenants.filter((tenant) => tenant.server === 'east');
    const elsewhere = tenants.filter((tenant) => tenant.server !== 'east');
    await admin('PATCH', '/servers/east', { capacity: 10 });
    await clusters.east!.stop('immediate');
    try {
      for (const tenant of onEast) expect((await usersOf(tenant)).status).toBe(503);
      for (const tenant of elsewhere) expect((await usersOf(tenant)).status).toBe(200);

      // The workers notice within seconds; until then east, with the most room, would be chosen.
      await waitFor('east to be seen unreachable', async () => {
        const { body } = await admin<{ reachable: boolean }>('GET', '/servers/east');
        return body.reachable ? undefined : true;
      });
      await waitFor('the workers to record east as down', async () => {
        const [row] = await world.stack.query<{ down: boolean }>(
          `SELECT unreachable_since IS NOT NULL AS down FROM database_servers WHERE name = 'east'`,
        );
        return row?.down ? true : undefined;
      });
      await admin('PATCH', '/servers/west', { capacity: 4 });
      const newcomer = await readyTenant('Multi Eight');
      expect(newcomer.server).toBe('west');
    } finally {
      await clusters.east!.start();
    }
    for (const tenant of onEast) {
      await waitFor(`tenant ${tenant.dbName} to answer again`, async () =>
        (await usersOf(tenant)).status === 200 ? true : undefined,
      );
    }
  });
});

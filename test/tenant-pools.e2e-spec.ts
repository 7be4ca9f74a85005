import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@app/tenancy';
import type { TenantPoolStats } from '@app/tenant-routing';
import fc from 'fast-check';
import { http } from './support/http';
import { bearer, readyTenantsWithKeys, RoutedTestTenant } from './support/routed-tenants';
import { startTenantProbe } from './support/tenant-probe-app';
import { TestStack } from './support/test-stack';
import { waitFor } from './support/wait-for';

const TENANTS = 50;

function withRouting(config: AppConfig, routing: Partial<AppConfig['tenantRouting']>): AppConfig {
  return { ...config, tenantRouting: { ...config.tenantRouting, ...routing } };
}

describe('tenant pools under load: bounded connections, no lost query, no tenant seeing another', () => {
  const stack = new TestStack({ WARM_POOL_SIZE: '10', WORKER_CONCURRENCY: '8' });
  const probes: NestFastifyApplication[] = [];
  let tenants: RoutedTestTenant[];

  beforeAll(async () => {
    const api = await stack.startApi();
    await stack.startWorker();
    tenants = await readyTenantsWithKeys(
      api,
      Array.from({ length: TENANTS }, (_, index) => `Pooled ${index}`),
      120_000,
    );
  }, 180_000);

  afterAll(async () => {
    await Promise.all(probes.map((app) => app.close()));
    await stack.teardown();
  });

  /** A probe app with these caps; the previous one is closed first, so its connections never count against the next test. */
  async function probeWith(routing: Partial<AppConfig['tenantRouting']>): Promise<string> {
    await Promise.all(probes.splice(0).map((app) => app.close()));
    const { app, url } = await startTenantProbe(withRouting(stack.config, routing));
    probes.push(app);
    return url;
  }

  /** Connections tenant pools hold on the server now, as PostgreSQL counts them. */
  async function tenantConnections(): Promise<number> {
    const [row] = await stack.query<{ count: string }>(
      `SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tenant-routing' AND starts_with(datname, $1)`,
      [stack.config.tenants.databasePrefix],
      'postgres',
    );
    return Number(row!.count);
  }

  it('30 tenants hit at once through 5 pools keep within the connection budget the whole time, and every request answers', async () => {
    const probe = await probeWith({ poolsMax: 5, poolMax: 2, connectionsMax: 6, connectionWaitMs: 30_000 });
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) peak = Math.max(peak, await tenantConnections());
    })();
    const requests = tenants
      .slice(0, 30)
      .flatMap((tenant) => Array.from({ length: 3 }, () => http(probe, 'GET', '/sleep/40', { headers: bearer(tenant.key) })));
    const answers = await Promise.all(requests);
    sampling = false;
    await sampler;

    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    answers.forEach((answer, index) => expect(answer.body.role).toBe(tenants[Math.floor(index / 3)]!.dbName));
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(6);
    const stats = (await http<TenantPoolStats>(probe, 'GET', '/pools')).body;
    expect(stats.poolsOpen).toBeLessThanOrEqual(5);
    expect(stats.evictions).toBeGreaterThanOrEqual(25);
    expect(stats.waits).toBeGreaterThan(0);
    expect(stats.waitTimeouts).toBe(0);
  });

  it('a pool evicted while its queries run closes only after they finish: none is lost', async () => {
    const probe = await probeWith({ poolsMax: 2, poolMax: 2, connectionsMax: 20 });
    const [first, ...others] = tenants.slice(0, 6);
    const long = http(probe, 'GET', '/sleep/1500', { headers: bearer(first!.key) });
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Five other tenants push the first one's pool out while its query sleeps.
    const short = await Promise.all(others.map((tenant) => http(probe, 'GET', '/sleep/10', { headers: bearer(tenant.key) })));
    const during = (await http<TenantPoolStats>(probe, 'GET', '/pools')).body;
    expect(during.evictions).toBeGreaterThanOrEqual(4);
    expect(during.poolsDraining).toBeGreaterThanOrEqual(1);

    // The long request runs a second query after its sleep, on the evicted pool: it must still work.
    expect(await long).toMatchObject({ status: 200, body: { role: first!.dbName } });
    expect(short.map((answer) => answer.status)).toEqual(others.map(() => 200));
    const after = await waitFor('the evicted pool to close', async () => {
      const stats = (await http<TenantPoolStats>(probe, 'GET', '/pools')).body;
      return stats.poolsDraining === 0 ? stats : undefined;
    });
    expect(after.connectionsInUse).toBe(0);
  });

  it("a tenant's connection ended under a query (a move or a suspension shuts the tenant out) answers 503, not 500", async () => {
    const probe = await probeWith({ poolsMax: 5, poolMax: 2, connectionsMax: 20 });
    const [tenant] = tenants;
    const sleeping = http(probe, 'GET', '/sleep/10000', { headers: bearer(tenant!.key) });
    const pid = await waitFor('the query to be running', async () => {
      const [row] = await stack.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND query LIKE 'SELECT pg_sleep%'",
        [tenant!.dbName],
        'postgres',
      );
      return row?.pid;
    });
    await stack.query('SELECT pg_terminate_backend($1)', [pid], 'postgres');
    expect(await sleeping).toMatchObject({
      status: 503,
      body: { message: "the tenant's database is busy or out of reach; try again shortly" },
    });
  });

  it('rows written for one tenant are never seen through another, over random interleavings of concurrent requests', async () => {
    // Few pools and connections, so interleavings also evict and reopen pools between requests.
    const probe = await probeWith({ poolsMax: 10, poolMax: 2, connectionsMax: 12, connectionWaitMs: 30_000 });
    const written = new Map<number, Set<string>>(tenants.map((_, index) => [index, new Set()]));
    let serial = 0;
    const operation = fc.record({
      tenant: fc.nat(TENANTS - 1),
      kind: fc.constantFrom('write', 'read'),
      via: fc.constantFrom('key', 'header', 'path'),
    });

    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 40 }), async (operations) => {
        const answers = await Promise.all(
          operations.map(async ({ tenant: index, kind, via }) => {
            const tenant = tenants[index]!;
            const path = via === 'path' ? `/t/${tenant.slug}/marks` : '/marks';
            const headers = bearer(tenant.key, via === 'header' ? { 'x-tenant-id': tenant.id } : {});
            if (kind === 'read')
              return { index, answer: await http<{ tenant: string; marks: string[] }>(probe, 'GET', path, { headers }) };
            const mark = `m${index}x${serial++}`;
            written.get(index)!.add(mark);
            return { index, answer: await http(probe, 'POST', path, { headers, json: { mark } }) };
          }),
        );
        for (const { index, answer } of answers) {
          expect(answer.status).toBeLessThan(300);
          expect(answer.body.tenant).toBe(tenants[index]!.id);
          for (const mark of answer.body.marks ?? []) expect(mark.startsWith(`m${index}x`)).toBe(true);
        }
      }),
      { numRuns: 25 },
    );

    // Every write landed in its own tenant's database and nowhere else.
    for (const [index, marks] of written) {
      const rows = await stack.query<{ name: string }>('SELECT name FROM users', [], tenants[index]!.dbName);
      expect(new Set(rows.map((row) => row.name))).toEqual(marks);
    }
  });
});

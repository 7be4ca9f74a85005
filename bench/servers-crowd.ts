import { InternalDatabaseNames } from '../libs/tenancy/src/tenant-databases/internal-database-names';
import { provisionOne, Trace, traceFigures, TraceFigures } from './e2e';
import { JsonClient } from './json-client';
import { provisionReadyTenants } from './ready-tenants';
import { BenchIdentity, dropNamed, quoteIdent, withServer } from './resources';
import type { Stack } from './stack';
import { percentile, round, summarize, Summary } from './stats';

export const EMPTY_SERVER = 'default';
export const CROWDED_SERVER = 'crowded';

/** What the server's shared catalogs hold: what 1,000 databases make bigger. */
export interface CatalogFacts {
  databases: number;
  roles: number;
  pg_database_kb: number;
  pg_authid_kb: number;
  pg_shdepend_kb: number;
}

export interface CrowdSide extends TraceFigures {
  server: string;
  /** After each tenant: until every worker's warm pools were full again (the refiller looks every second). */
  pool_refill_p50_ms: number;
  catalogs: CatalogFacts;
}

export interface CrowdResult {
  crowd: { tenants: number; note: string; how: string; seconds: number };
  warmup: number;
  order: string;
  empty: CrowdSide;
  crowded: CrowdSide;
  /** A bare `CREATE DATABASE … TEMPLATE` of each server's own template, alternating between them. */
  raw_template_copy_ms: { empty: Summary; crowded: Summary };
}

/**
 * Fills the crowded server with n real tenants through the api (placement sends them there while
 * the empty server is draining); untimed but for its duration.
 */
export async function makeCrowd(stack: Stack, admin: JsonClient, n: number, note: string): Promise<CrowdResult['crowd']> {
  const t0 = performance.now();
  await changeServer(admin, EMPTY_SERVER, { state: 'draining' });
  try {
    await provisionReadyTenants(stack, n, 'bench crowd');
  } finally {
    await changeServer(admin, EMPTY_SERVER, { state: 'active' });
  }
  const { body } = await admin.request<{ items: { name: string; tenants: number }[] }>('GET', '/servers');
  const onCrowded = body.items.find((server) => server.name === CROWDED_SERVER)?.tenants;
  if (onCrowded !== n) throw new Error(`${onCrowded} tenants on ${CROWDED_SERVER}, expected ${n}`);
  return {
    tenants: n,
    note,
    how: `real tenants: POST /org/create through the api, two workers, default settings, while ${EMPTY_SERVER} was draining`,
    seconds: round((performance.now() - t0) / 1000, 1),
  };
}

/**
 * Provisioning end to end on the empty and the crowded server, one tenant after another, naming the
 * server in each POST and alternating which goes first in each round, so a busy moment of the
 * shared machine falls on both. Each request waits until every warm pool is full again.
 */
export async function measureCrowded(
  stack: Stack,
  servers: { empty: BenchIdentity; crowded: BenchIdentity },
  warmup: number,
  rounds: number,
  rawCopies: number,
): Promise<Omit<CrowdResult, 'crowd'>> {
  const sides = [
    { server: EMPTY_SERVER, traces: [] as Trace[], refills: [] as number[] },
    { server: CROWDED_SERVER, traces: [] as Trace[], refills: [] as number[] },
  ];
  await stack.waitForFullPool();
  for (let index = 0; index < warmup + rounds; index++) {
    const warm = index < warmup;
    for (const side of index % 2 ? [...sides].reverse() : sides) {
      const trace = await provisionOne(stack, `bench e2e ${side.server} ${warm ? 'w' : ''}${index}`, side.server);
      const t0 = performance.now();
      await stack.waitForFullPool();
      if (warm) continue;
      side.traces.push(trace);
      side.refills.push(performance.now() - t0);
    }
  }
  const raw = await timeRawCopies(servers, stack.id.tenantDbPrefix, rawCopies);
  const facts = await Promise.all([catalogFacts(servers.empty), catalogFacts(servers.crowded)]);
  const [empty, crowded] = sides.map((side, i): CrowdSide => ({
    server: side.server,
    ...traceFigures(side.traces),
    pool_refill_p50_ms: round(percentile(side.refills, 50)),
    catalogs: facts[i]!,
  }));
  return {
    warmup,
    order: 'rounds of one tenant on each server, which goes first alternating; warm pool on (default), 1 worker',
    empty: empty!,
    crowded: crowded!,
    raw_template_copy_ms: raw,
  };
}

/** CREATE DATABASE … TEMPLATE of each server's template, alternating, one open session each; dropped after. */
async function timeRawCopies(
  servers: { empty: BenchIdentity; crowded: BenchIdentity },
  prefix: string,
  n: number,
): Promise<CrowdResult['raw_template_copy_ms']> {
  const template = new InternalDatabaseNames(prefix).template;
  const samples = { empty: [] as number[], crowded: [] as number[] };
  const names = Array.from({ length: n }, (_, i) => `${prefix}rawcopy_${i}`);
  try {
    await withServer(servers.empty, (empty) =>
      withServer(servers.crowded, async (crowded) => {
        const pair = [['empty', empty] as const, ['crowded', crowded] as const];
        for (const [i, name] of names.entries()) {
          for (const [side, client] of i % 2 ? [...pair].reverse() : pair) {
            const t0 = performance.now();
            await client.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
            samples[side].push(performance.now() - t0);
          }
        }
      }),
    );
  } finally {
    await Promise.all([dropNamed(servers.empty, names), dropNamed(servers.crowded, names)]);
  }
  return { empty: summarize(samples.empty), crowded: summarize(samples.crowded) };
}

async function catalogFacts(id: BenchIdentity): Promise<CatalogFacts> {
  const { rows } = await withServer(id, (client) =>
    client.query<Record<keyof CatalogFacts, string>>(
      `SELECT (SELECT count(*) FROM pg_database) AS databases, (SELECT count(*) FROM pg_roles) AS roles,
              pg_total_relation_size('pg_database') / 1024 AS pg_database_kb,
              pg_total_relation_size('pg_authid') / 1024 AS pg_authid_kb,
              pg_total_relation_size('pg_shdepend') / 1024 AS pg_shdepend_kb`,
    ),
  );
  const row = rows[0]!;
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Number(value)])) as unknown as CatalogFacts;
}

export async function changeServer(admin: JsonClient, name: string, change: { state?: string; capacity?: number }): Promise<void> {
  const { status, body } = await admin.request('PATCH', `/servers/${name}`, change);
  if (status !== 200) throw new Error(`PATCH /servers/${name} answered ${status}: ${JSON.stringify(body)}`);
}

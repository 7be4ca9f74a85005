import type { TenantPoolStats } from '@app/tenant-routing';
import { freePort } from '../test/support/processes/free-port';
import type { ServiceProcess } from '../test/support/processes/service-process';
import { CONNECTIONS, WARMUP_S } from './http';
import { JsonClient } from './json-client';
import type { LoadTarget } from './load-client';
import { childPid, memoryMb } from './proc';
import { BenchIdentity, deleteRedisKeys } from './resources';
import {
  databaseCounters,
  DatabaseCounters,
  PrivateServerFacts,
  privatePostmasterPid,
  startPrivateServer,
  stopPrivateServer,
} from './private-server';
import { KeyedTenant, Preparation, prepareTenants, tenantHeaders, tenantLoginUrl } from './routing-tenants';
import { serviceEnv, startBareApp, startTenantApi } from './services';
import { SeriesFigures, spreadLoad } from './spread-load';
import { Stack } from './stack';
import { round } from './stats';

/**
 * tenant-api keeps about a hundred tenant connections open with 1,000 tenants and 100 pools, and
 * may open TENANT_CONNECTIONS_MAX (200); the shared server allows 100 in all (three kept for
 * superusers), shared with every other client, so past that tenant-api's connections fail with
 * 53300. Room for 200 plus the master pools of the api, the workers and tenant-api.
 */
const ROUTING_MAX_CONNECTIONS = 300;

/** tenant-api's `tenant_pools` health detail. */
export type PoolFigures = TenantPoolStats;

export interface RoutedFigures extends SeriesFigures {
  /** During the timed part only (warm-up excluded), from tenant-api's /health before and after. */
  evictions: number;
  waits: number;
  wait_timeouts: number;
  /** From pg_stat_database, approximate (reported about once a second): connections opened into tenant databases, transactions in master (tenant and key lookups) and in tenant databases. */
  per_request: { tenant_connections_opened: number; master_transactions: number; tenant_transactions: number };
  pools_after: PoolFigures;
}

export interface RoutingResult {
  tenants: number;
  tenants_note: string;
  connections: number;
  duration_s: number;
  warmup_s: number;
  /** TENANT_* left at their defaults; tenant-api reports the caps it runs with. */
  caps: { TENANT_POOLS_MAX: number; TENANT_CONNECTIONS_MAX: number };
  server: PrivateServerFacts;
  preparation: Preparation;
  /** (a) GET /users/:id, each request for a tenant drawn at random from all of them. */
  many: RoutedFigures;
  /** (b) the same request, always for the first tenant. */
  single: RoutedFigures;
  /** (c) the same SQL and JSON on one fixed pg pool into the first tenant's database, as its role. */
  bare: SeriesFigures;
  tenant_api_rss_mb: { after_preparation: number; after_many: number; peak: number };
}

/**
 * The routing series: n tenants made through the api and two workers, each keyed and given a
 * user through tenant-api; then api and workers stop and the same GET /users/:id is loaded
 * across all tenants, on one tenant, and on the bare app, with the same client and load.
 */
export async function measureRouting(id: BenchIdentity, n: number, note: string, duration: number): Promise<RoutingResult> {
  const [routingId, server] = await startPrivateServer(id, {
    maxConnections: ROUTING_MAX_CONNECTIONS,
    why: `the shared server's max_connections is below TENANT_CONNECTIONS_MAX`,
  });
  let stack: Stack | undefined;
  let tenantApi: ServiceProcess | undefined;
  let client: JsonClient | undefined;
  try {
    stack = await Stack.start(routingId, 2, {});
    tenantApi = await startTenantApi(serviceEnv(routingId, {}), await freePort());
    client = new JsonClient(tenantApi.baseUrl);
    const [tenants, preparation] = await prepareTenants(stack, client, n);
    // Nothing else runs while tenant-api is measured (the workers would refill their warm pool).
    await stack.stop();
    const pid = childPid('/apps/tenant-api/');
    const rssAfterPreparation = memoryMb(pid).rss;

    const target = (tenant: KeyedTenant): LoadTarget => ({ path: `/users/${tenant.userId}`, headers: tenantHeaders(tenant) });
    const many = await routedLoad(routingId, client, tenantApi.baseUrl, tenants.map(target), duration, pid);
    const afterMany = memoryMb(pid);
    const single = await routedLoad(routingId, client, tenantApi.baseUrl, [target(tenants[0]!)], duration, pid);
    const peak = memoryMb(pid).peak;
    const pools = many.pools_after;
    await tenantApi.stop();

    const bareApp = await startBareApp(await freePort(), await tenantLoginUrl(routingId, tenants[0]!.id));
    let bare: SeriesFigures;
    try {
      const watched = { appPid: childPid('bare-app.ts'), postmasterPid: privatePostmasterPid() };
      bare = (await spreadLoad(bareApp.baseUrl, [{ path: `/users/${tenants[0]!.userId}`, headers: {} }], duration, watched)).figures;
    } finally {
      await bareApp.stop();
    }
    return {
      tenants: n,
      tenants_note: note,
      connections: CONNECTIONS,
      duration_s: duration,
      warmup_s: WARMUP_S,
      caps: { TENANT_POOLS_MAX: pools.poolsMax, TENANT_CONNECTIONS_MAX: pools.connectionsMax },
      server,
      preparation,
      many,
      single,
      bare,
      tenant_api_rss_mb: { after_preparation: rssAfterPreparation, after_many: afterMany.rss, peak },
    };
  } finally {
    client?.close();
    await tenantApi?.stop();
    await stack?.stop();
    // The cluster goes with its databases and roles; the Redis keys are on the shared Redis.
    await stopPrivateServer();
    await deleteRedisKeys(id);
  }
}

/** A load on tenant-api, with its pool figures and the server's counters read around the timed part. */
async function routedLoad(
  id: BenchIdentity,
  client: JsonClient,
  origin: string,
  targets: LoadTarget[],
  duration: number,
  appPid: number,
): Promise<RoutedFigures> {
  const read = async () => ({ pools: await poolFigures(client), counters: await databaseCounters(id) });
  const { figures, readings } = await spreadLoad(origin, targets, duration, { appPid, postmasterPid: privatePostmasterPid(), read });
  const [before, after] = readings!;
  const perRequest = (key: keyof DatabaseCounters) =>
    round((after.counters[key] - before.counters[key]) / Math.max(figures.requests, 1), 3);
  return {
    ...figures,
    evictions: after.pools.evictions - before.pools.evictions,
    waits: after.pools.waits - before.pools.waits,
    wait_timeouts: after.pools.waitTimeouts - before.pools.waitTimeouts,
    per_request: {
      tenant_connections_opened: perRequest('tenantSessions'),
      master_transactions: perRequest('masterTransactions'),
      tenant_transactions: perRequest('tenantTransactions'),
    },
    pools_after: after.pools,
  };
}

async function poolFigures(client: JsonClient): Promise<PoolFigures> {
  const { status, body } = await client.request<{ details?: { tenant_pools?: PoolFigures } }>('GET', '/health');
  const figures = body.details?.tenant_pools;
  if (status !== 200 || !figures) throw new Error(`tenant-api /health answered ${status}: ${JSON.stringify(body)}`);
  return figures;
}

import { sleep } from '../test/support/processes/wait';
import type { CpuPerTenant } from './fleet';
import { BenchIdentity, countingCheckpoints, redisCommandsProcessed, withRedis } from './resources';
import { PoolState, Stack, StatusView } from './stack';
import { percentile, round, summarize, Summary, timedSeries } from './stats';

const POLL_MS = 5;
const TENANT_TIMEOUT_MS = 60_000;
const RETRY_AFTER_503_MS = 1000;
const QUEUE_NAME = 'tenant-provisioning';

export interface E2eConfig {
  label: string;
  /** undefined leaves the variable out, i.e. the service's default. */
  env: { WARM_POOL_SIZE?: string; TENANT_TEMPLATE?: string };
}

export const E2E_CONFIGS: E2eConfig[] = [
  { label: 'pool on (default) + template on (default)', env: {} },
  { label: 'pool on (default) + template off', env: { TENANT_TEMPLATE: 'off' } },
  { label: 'pool off + template on (default)', env: { WARM_POOL_SIZE: '0' } },
  { label: 'pool off + template off', env: { WARM_POOL_SIZE: '0', TENANT_TEMPLATE: 'off' } },
];

export interface Trace {
  tenantId: string;
  totalMs: number;
  postMs: number;
  /** Each `status/step` seen while polling: client ms since the POST was sent, and server ms
   *  since created_at of the row's updated_at (exact, whatever the polling granularity). */
  seen: Record<string, { clientMs: number; serverMs: number }>;
  /** Server side: the master database's created_at → ready_at. */
  serverMs?: number;
  /** From the BullMQ job: added → picked up by a worker, and picked up → finished. */
  queueWaitMs?: number;
  processingMs?: number;
}

export interface StateTiming {
  state: string;
  /** In how many of the n tenants polling caught this state (short ones slip between polls). */
  seen_in: number;
  server_since_created_p50_ms?: number;
  client_since_post_p50_ms?: number;
}

export interface E2eResult extends Summary {
  config: string;
  env: Record<string, string>;
  warmup: number;
  checkpoints_requested_meanwhile: number;
  warm_pool: PoolState | 'not reported' | 'off';
  spacing: string;
  server_created_to_ready_p50_ms?: number;
  breakdown_p50_ms: Record<string, number | undefined>;
  states: StateTiming[];
}

/** N tenants one after another: POST, then poll the status every 5 ms until ready. */
export async function measureE2e(id: BenchIdentity, config: E2eConfig, warmup: number, n: number): Promise<E2eResult> {
  const stack = await Stack.start(id, 1, config.env);
  try {
    const poolOn = config.env.WARM_POOL_SIZE !== '0';
    const pool = poolOn ? await stack.waitForFullPool() : undefined;
    const spaced = pool !== undefined && pool.target > 0;
    const traces: Trace[] = [];
    const [, checkpoints] = await countingCheckpoints(id, () =>
      timedSeries(warmup, n, async (i, warm) => {
        if (spaced) await stack.waitForFullPool();
        const trace = await provisionOne(stack, `bench seq ${warm ? 'w' : ''}${i}`);
        if (!warm) traces.push(trace);
        return trace.totalMs;
      }),
    );
    return {
      config: config.label,
      env: config.env,
      warmup,
      checkpoints_requested_meanwhile: checkpoints,
      warm_pool: !poolOn ? 'off' : (pool ?? 'not reported'),
      spacing: spaced
        ? `n > pool size ${pool.target}: each request waits until the warm pool is full again`
        : pool
          ? `the worker reports pool target ${pool.target} (not in use); requests back to back`
          : poolOn
            ? 'pool not reported by /health; waited 2 s after start, requests back to back'
            : 'requests back to back',
      ...traceFigures(traces),
    };
  } finally {
    await stack.stopAndReset();
  }
}

export type TraceFigures = Summary & Pick<E2eResult, 'server_created_to_ready_p50_ms' | 'breakdown_p50_ms' | 'states'>;

/** End-to-end times of the traces and where their time went. */
export function traceFigures(traces: Trace[]): TraceFigures {
  return {
    ...summarize(traces.map((trace) => trace.totalMs)),
    server_created_to_ready_p50_ms: p50Of(traces.map((trace) => trace.serverMs)),
    breakdown_p50_ms: {
      post_response: p50Of(traces.map((trace) => trace.postMs)),
      job_queue_wait: p50Of(traces.map((trace) => trace.queueWaitMs)),
      job_processing: p50Of(traces.map((trace) => trace.processingMs)),
    },
    states: stateTimings(traces),
  };
}

/** One tenant: POST /org/create (on `server` when named), then its status polled every 5 ms until ready. */
export async function provisionOne(stack: Stack, name: string, server?: string): Promise<Trace> {
  const t0 = performance.now();
  const { id: tenantId, jobId } = await stack.create(name, server);
  const postMs = performance.now() - t0;
  const seen: Trace['seen'] = {};
  for (;;) {
    const view = await stack.status(tenantId);
    const now = performance.now() - t0;
    seen[`${view.status}/${view.step}`] ??= { clientMs: now, serverMs: Date.parse(view.updatedAt) - Date.parse(view.createdAt) };
    if (view.status === 'ready') {
      const job = jobId ? await jobTimes(stack.id, jobId) : undefined;
      return {
        tenantId,
        totalMs: now,
        postMs,
        seen,
        serverMs: view.readyAt ? Date.parse(view.readyAt) - Date.parse(view.createdAt) : undefined,
        ...job,
      };
    }
    if (now > TENANT_TIMEOUT_MS) throw new Error(`tenant ${tenantId} not ready after ${TENANT_TIMEOUT_MS} ms`);
    await sleep(POLL_MS);
  }
}

/** BullMQ keeps timestamp/processedOn/finishedOn in the job's hash (completed jobs are kept). */
async function jobTimes(id: BenchIdentity, jobId: string): Promise<Pick<Trace, 'queueWaitMs' | 'processingMs'>> {
  const [added, processed, finished] = (
    await withRedis(id, (redis) => redis.hmget(`${id.queuePrefix}:${QUEUE_NAME}:${jobId}`, 'timestamp', 'processedOn', 'finishedOn'))
  ).map(Number);
  return {
    queueWaitMs: added && processed ? processed - added : undefined,
    processingMs: processed && finished ? finished - processed : undefined,
  };
}

function p50Of(values: (number | undefined)[]): number | undefined {
  const known = values.filter((value): value is number => value !== undefined);
  return known.length ? round(percentile(known, 50)) : undefined;
}

function stateTimings(traces: Trace[]): StateTiming[] {
  const states = [...new Set(traces.flatMap((trace) => Object.keys(trace.seen)))];
  // Ordered by where each state falls in the traces that caught it (0 first, 1 last), since a
  // p50 over only the few traces that caught a short state can be out of order.
  const position = (state: string) => {
    const places = traces.flatMap((trace) => {
      const order = Object.keys(trace.seen);
      return order.includes(state) ? [order.indexOf(state) / Math.max(1, order.length - 1)] : [];
    });
    return places.reduce((sum, x) => sum + x, 0) / places.length;
  };
  return states
    .sort((a, b) => position(a) - position(b))
    .map((state) => {
      const seen = traces.flatMap((trace) => (trace.seen[state] ? [trace.seen[state]] : []));
      return {
        state,
        seen_in: seen.length,
        server_since_created_p50_ms: p50Of(seen.map((timing) => timing.serverMs)),
        client_since_post_p50_ms: p50Of(seen.map((timing) => timing.clientMs)),
      };
    });
}

export interface ThroughputResult {
  workers: number;
  warmup: number;
  n: number;
  warm_pool: PoolState | 'not reported';
  checkpoints_requested_meanwhile: number;
  /** First POST sent → the last tenant's readyAt in master (the same machine's clock). */
  seconds: number;
  tenants_per_s: number;
  server_span_s: number;
  /** The pause between two rounds of GET /org while watching the burst. */
  watch_poll_ms: number;
  /** First POST sent → every POST answered (all n are sent at once). */
  posts_s: number;
  /** POSTs answered 503 (the api's wait for a master connection ran out) and sent again after a second. */
  posts_refused_503: number;
  /** When the caller metered it: CPU per tenant during the burst. */
  cpu_per_tenant?: CpuPerTenant;
  /** Redis commands processed during the burst, per tenant: api, workers and their queue events together. */
  redis_commands_per_tenant: number;
}

/** Starts metering CPU; the returned function gives it per tenant. */
export type CpuMeter = () => (n: number, seconds: number) => CpuPerTenant;

/** N tenants POSTed at once with default settings; first POST sent → the last tenant's readyAt. */
export async function measureThroughput(
  id: BenchIdentity,
  workers: number,
  warmup: number,
  n: number,
  meter?: CpuMeter,
  pollMs = POLL_MS,
): Promise<ThroughputResult> {
  const stack = await Stack.start(id, workers, {});
  try {
    const pool = await stack.waitForFullPool();
    for (let i = 0; i < warmup; i++) {
      if (pool) await stack.waitForFullPool();
      await provisionOne(stack, `bench burst w${i}`);
    }
    if (pool) await stack.waitForFullPool();
    const perTenant = meter?.();
    const redisBefore = await redisCommandsProcessed(id);
    const [{ startedAt, t0, posted, refused, views }, checkpoints] = await countingCheckpoints(id, () => burst(stack, n, pollMs));
    const redisCommands = (await redisCommandsProcessed(id)) - redisBefore;
    const createdAt = [...views.values()].map((view) => Date.parse(view.createdAt));
    const readyAt = [...views.values()].map((view) => Date.parse(view.readyAt ?? view.createdAt));
    // To the last readyAt master recorded (this machine's clock), not to when the watching saw it.
    const seconds = (Math.max(...readyAt) - startedAt) / 1000;
    const cpu = perTenant?.(n, seconds);
    return {
      workers,
      warmup,
      n,
      warm_pool: pool ?? 'not reported',
      checkpoints_requested_meanwhile: checkpoints,
      seconds: round(seconds, 3),
      tenants_per_s: round(n / seconds, 2),
      server_span_s: round((Math.max(...readyAt) - Math.min(...createdAt)) / 1000, 3),
      watch_poll_ms: pollMs,
      posts_s: round((posted - t0) / 1000, 3),
      posts_refused_503: refused,
      ...(cpu && { cpu_per_tenant: cpu }),
      redis_commands_per_tenant: round(redisCommands / n, 1),
    };
  } finally {
    await stack.stopAndReset();
  }
}

/**
 * POSTs n tenants at once, then watches them, the n newest, with `GET /org` every 5 ms until all are
 * ready: n status polls per round would cost the machine more CPU than much of the work measured.
 */
async function burst(stack: Stack, n: number, pollMs: number) {
  const startedAt = Date.now();
  const t0 = performance.now();
  let refused = 0;
  // A 503 "master database is unavailable" here is the api's pool wait running out (placements
  // queue on the servers' row locks): nothing was recorded, so the request is sent again, as a
  // client told to try again shortly would, and counted.
  const create = async (i: number): Promise<{ id: string }> => {
    for (;;) {
      try {
        return await stack.create(`bench burst ${i}`);
      } catch (error) {
        if (!/answered 503: .*master database is unavailable/.test(String(error)) || refused >= n) throw error;
        refused += 1;
        await sleep(RETRY_AFTER_503_MS);
      }
    }
  };
  const created = await Promise.all(Array.from({ length: n }, (_, i) => create(i)));
  const posted = performance.now();
  const pending = new Set(created.map((tenant) => tenant.id));
  const views = new Map<string, StatusView>();
  while (pending.size) {
    for (const view of await stack.newestTenants(n)) {
      if (!pending.has(view.id)) continue;
      if (view.status === 'failed') throw new Error(`tenant ${view.id} failed: ${view.error}`);
      if (view.status !== 'ready') continue;
      pending.delete(view.id);
      views.set(view.id, view);
    }
    if (performance.now() - t0 > TENANT_TIMEOUT_MS * 2) throw new Error(`${pending.size} tenants not ready in time`);
    if (pending.size) await sleep(pollMs);
  }
  return { startedAt, t0, posted, refused, views };
}

import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ConnectionCost } from './connection-cost';
import type { E2eResult, ThroughputResult } from './e2e';
import type { CpuPerTenant, FleetResult, FleetRollout, SessionsPerTenant } from './fleet';
import type { FloorResult, PocResult } from './floor';
import type { HttpResult, LoadFigures } from './http';
import type { RoutedFigures, RoutingResult } from './routing';
import type { SeriesFigures } from './spread-load';
import { serversRows, type ServersResult } from './servers';
import { SERIES, Series } from './series';
import { round } from './stats';

export interface Results {
  date: string;
  mode: 'quick' | 'full';
  machine: {
    cpus: number;
    cpu_model: string;
    postgres_version: string;
    redis_version: string;
    /** Measured at the start of the run on the shared server (absent in runs before 2026-12-01's seventh session). */
    postgres_connection_cost?: ConnectionCost;
    node_version: string;
    /** 1/5/15-minute load averages: anything else running on the machine shows here. */
    loadavg_start: number[];
    loadavg_end: number[];
  };
  /** The series measured (`--only`); the others' figures and ratios are absent. */
  series: Series[];
  run: { tenant_db_prefix: string; master_database: string; queue_prefix: string; duration_s?: number };
  floor?: FloorResult;
  poc?: PocResult;
  e2e?: E2eResult[];
  throughput?: ThroughputResult[];
  http?: HttpResult;
  routing?: RoutingResult;
  fleet?: FleetResult;
  servers?: ServersResult;
  /** Those named in TARGETS have a target; the others are recorded only. Only those whose series ran. */
  ratios: Partial<
    Record<keyof typeof TARGETS | 'fleet_noop_tenants_per_s' | 'move_seconds_per_100mb' | 'move_unavailable_s', number>
  >;
  targets: Record<string, { target: string; met: boolean }>;
}

const TARGETS = {
  e2e_p50_over_floor: { op: '<=', value: 1.0 },
  throughput_2w_over_floor: { op: '>=', value: 0.7 },
  status_rps_over_bare: { op: '>=', value: 0.5 },
  routed_p99_many_over_single: { op: '<=', value: 1.5 },
  routed_rps_over_bare: { op: '>=', value: 0.6 },
  routed_single_rps_over_bare: { op: '>=', value: 0.6 },
  tenant_api_rss_mb: { op: '<=', value: 250 },
  fleet_over_raw: { op: '>=', value: 0.7 },
  e2e_p50_crowded_over_empty: { op: '<=', value: 1.3 },
  burst_over_parallel_floor: { op: '>=', value: 0.8 },
} as const;

/** The first e2e configuration is the one with every setting at its default. */
export function withRatios(results: Omit<Results, 'ratios' | 'targets'>): Results {
  const { floor, e2e, throughput, http, routing, fleet, servers } = results;
  const twoWorkers = throughput?.find((run) => run.workers === 2);
  const ratios: Results['ratios'] = {
    ...(floor && e2e && { e2e_p50_over_floor: round(e2e[0]!.p50_ms / floor.p50_ms, 2) }),
    ...(floor && twoWorkers && { throughput_2w_over_floor: round(twoWorkers.tenants_per_s / floor.sequential_tenants_per_s, 2) }),
    ...(http && { status_rps_over_bare: round(http.status.rps / http.bare.rps, 2) }),
    ...(routing && {
      // autocannon's latencies are whole milliseconds: a p99 under 1 ms counts as 1.
      routed_p99_many_over_single: round(routing.many.p99_ms / Math.max(routing.single.p99_ms, 1), 2),
      routed_rps_over_bare: round(routing.many.rps / routing.bare.rps, 2),
      routed_single_rps_over_bare: round(routing.single.rps / routing.bare.rps, 2),
      tenant_api_rss_mb: routing.tenant_api_rss_mb.after_many,
    }),
    ...(fleet && {
      fleet_over_raw: round(fleet.rollout.tenants_per_s / fleet.floor.tenants_per_s, 2), // the median round's
      fleet_noop_tenants_per_s: fleet.noop.tenants_per_s,
    }),
    ...(servers && {
      e2e_p50_crowded_over_empty: round(servers.crowd.crowded.p50_ms / servers.crowd.empty.p50_ms, 2),
      burst_over_parallel_floor: round(servers.burst.burst.tenants_per_s / servers.burst.floor.best.databases_per_s, 2),
      move_seconds_per_100mb: servers.move.move_seconds_per_100mb,
      move_unavailable_s: servers.move.unavailable_s,
    }),
  };
  const targets = Object.fromEntries(
    Object.entries(TARGETS).flatMap(([name, { op, value }]) => {
      const actual = ratios[name as keyof typeof ratios];
      if (actual === undefined) return [];
      return [[name, { target: `${op} ${value}`, met: op === '<=' ? actual <= value : actual >= value }]];
    }),
  );
  return { ...results, ratios, targets };
}

export function writeResults(results: Results): string[] {
  const dir = path.join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  // ISO 8601 basic format: no ':' in the file name.
  const stamp = results.date.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  // latest.json holds a run of every series; one of some (--only) names them in its file name instead.
  const partial = results.series.length < SERIES.length;
  const files = partial
    ? [path.join(dir, `${stamp}-${results.series.join('-')}.json`)]
    : [path.join(dir, 'latest.json'), path.join(dir, `${stamp}.json`)];
  for (const file of files) writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return files;
}

export function printTable(r: Results): void {
  const { floor, poc, e2e, throughput, http, routing, fleet, servers } = r;
  const rows: [string, string][] = [
    ['machine', `${r.machine.cpus} cpus, PostgreSQL ${r.machine.postgres_version}, Node ${r.machine.node_version}`],
    ['PostgreSQL, 2 clients', connectionCost(r.machine.postgres_connection_cost)],
    ['load average at start / end', `${r.machine.loadavg_start.join(' ')} / ${r.machine.loadavg_end.join(' ')}`],
    ...(floor
      ? [
          [
            `floor: CREATE DATABASE (n=${floor.n})`,
            `p50 ${floor.p50_ms} ms, ${floor.sequential_tenants_per_s} db/s sequential${noisy(floor)}`,
          ] as [string, string],
        ]
      : []),
    ...(poc ? [[`proof of concept: CREATE + migrate (n=${poc.n})`, `p50 ${poc.p50_ms} ms${noisy(poc)}`] as [string, string]] : []),
    ...(e2e ?? []).flatMap((e): [string, string][] => [
      [`e2e ${e.config} (n=${e.n})`, `p50 ${e.p50_ms} ms, p95 ${e.p95_ms} ms${noisy(e)}`],
      [
        '  steps, server ms since created (p50)',
        `${e.states.map((s) => `${s.state} ${s.server_since_created_p50_ms}${s.seen_in < e.n ? ` (${s.seen_in}/${e.n})` : ''}`).join(', ')}; job queue wait ${e.breakdown_p50_ms.job_queue_wait}`,
      ],
    ]),
    ...(throughput ?? []).map((t): [string, string] => [
      `throughput ${t.workers} worker${t.workers > 1 ? 's' : ''} (n=${t.n} at once)`,
      `${t.tenants_per_s} tenants/s (${t.seconds} s${floor ? `; floor ${floor.sequential_tenants_per_s}/s` : ''})${noisy(t)}`,
    ]),
    ...(http ? httpRows(http) : []),
    ...(routing ? routingRows(routing) : []),
    ...(fleet ? fleetRows(fleet) : []),
    ...(servers ? serversRows(servers) : []),
    ...Object.entries(r.ratios).map(([name, value]): [string, string] => {
      const target = r.targets[name];
      return [
        `ratio ${name}`,
        target ? `${value}  (target ${target.target}: ${target.met ? 'met' : 'NOT met'})` : `${value}  (no target)`,
      ];
    }),
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  process.stdout.write(`\n${rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n')}\n`);
}

function httpRows(h: HttpResult): [string, string][] {
  return [
    [
      `GET /org/:id/status (${h.connections} conn, ${h.duration_s} s)`,
      `${h.status.rps} req/s, p99 ${ms(h.status.p99_ms)}${failures(h.status)}`,
    ],
    [`bare Nest+Fastify constant`, `${h.bare.rps} req/s, p99 ${ms(h.bare.p99_ms)}${failures(h.bare)}`],
  ];
}

function routingRows(g: RoutingResult): [string, string][] {
  const p = g.preparation;
  const load = ({ cpu_per_request: cpu, ...figures }: SeriesFigures) =>
    `${figures.rps} req/s, p50 ${ms(figures.p50_ms)}, p99 ${ms(figures.p99_ms)}${failures(figures)}; ` +
    `CPU ms/request: app ${cpu.app_ms}, PostgreSQL ${cpu.postgres_ms}, machine ${cpu.machine_ms} (${cpu.machine_busy_pct}% busy)`;
  const pools = (figures: RoutedFigures) =>
    `${load(figures)}; ${figures.evictions} evictions, ${figures.waits} waits (${figures.wait_timeouts} gave up); ` +
    `per request ${figures.per_request.tenant_connections_opened} tenant connections opened, ${figures.per_request.master_transactions} master transactions`;
  return [
    [
      `routing: tenants`,
      `${g.tenants} (${g.tenants_note}); caps ${g.caps.TENANT_POOLS_MAX} pools, ${g.caps.TENANT_CONNECTIONS_MAX} connections; on ${g.server.where}`,
    ],
    [
      `  preparing them (${p.worker_processes} workers)`,
      `${p.total_s} s: provisioned ${p.provision_s} s, API keys ${p.api_keys_s} s, first POST /users ${p.users_s} s`,
    ],
    [`  (a) GET /users/:id, all tenants (${g.connections} conn, ${g.duration_s} s)`, pools(g.many)],
    [`  (b) GET /users/:id, one tenant`, pools(g.single)],
    [`  (c) bare Nest+Fastify, same query, one pg pool`, load(g.bare)],
    [
      `  tenant-api RSS`,
      `${g.tenant_api_rss_mb.after_preparation} MB after preparing, ${g.tenant_api_rss_mb.after_many} MB after (a), peak ${g.tenant_api_rss_mb.peak} MB`,
    ],
  ];
}

function fleetRows(f: FleetResult): [string, string][] {
  const cpu = (c: CpuPerTenant) =>
    `CPU ms/tenant: workers ${c.workers_ms}, api ${c.api_ms}, bench ${c.bench_ms}, PostgreSQL ${c.postgres_ms}, machine ${c.machine_ms} (${c.machine_busy_pct}% busy)`;
  const sessions = (s: SessionsPerTenant) =>
    `sessions opened/tenant: tenant databases ${s.tenant_databases}, master ${s.master}, all ${s.all}`;
  const rollout = (g: FleetRollout) =>
    `${g.tenants_per_s} tenants/s (${g.seconds} s; server ${g.server_seconds} s); per tenant p50 ${g.tenant_ms.p50_ms} ms, p95 ${g.tenant_ms.p95_ms} ms; ${cpu(g.cpu_per_tenant)}; ${sessions(g.sessions_per_tenant)}`;
  return [
    [`fleet: tenants`, `${f.tenants} (${f.tenants_note}), made in ${f.provision_s} s; on ${f.server.where}`],
    [
      `  floor: plain pg, ${f.floor.at_once} databases at a time`,
      `${f.floor.tenants_per_s} tenants/s (${f.floor.seconds} s); per database p50 ${f.floor.database_ms.p50_ms} ms; ${cpu(f.floor.cpu_per_tenant)}; ${sessions(f.floor.sessions_per_tenant)}`,
    ],
    [`  rollout, ${f.worker_processes} workers, ${f.migration_concurrency} at a time`, rollout(f.rollout)],
    [
      `  rounds (floor, rollout: ratio)`,
      `${f.rounds.map((r) => `${r.floor_tenants_per_s}, ${r.rollout_tenants_per_s}: ${r.ratio}`).join('; ')} (the median round above)`,
    ],
    [`  rollout with nothing to apply`, rollout(f.noop)],
    [`  1,000 tenants`, `${f.thousand_tenants_s} s${f.tenants === 1000 ? '' : " (projected at the rollout's rate)"}`],
  ];
}

/** autocannon's latencies are whole milliseconds. */
const connectionCost = (cost?: ConnectionCost) =>
  cost
    ? `${cost.new_connections_per_s} new connections/s (connect, SELECT 1, end), ${cost.queries_per_s} queries/s on open ones`
    : 'not measured';
const ms = (value: number) => (value < 1 ? '<1 ms' : `${value} ms`);
const failures = (load: LoadFigures) =>
  load.non2xx || load.errors ? ` (WARNING: ${load.non2xx} non-2xx, ${load.errors} errors)` : '';
const noisy = (series: { checkpoints_requested_meanwhile: number }) =>
  series.checkpoints_requested_meanwhile
    ? `  [${series.checkpoints_requested_meanwhile} checkpoints forced meanwhile: server shared]`
    : '';

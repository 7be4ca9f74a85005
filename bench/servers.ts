import type { CpuPerTenant } from './fleet';
import { JsonClient } from './json-client';
import { PrivateServerFacts, startPrivateServer, stopPrivateServer } from './private-server';
import { BenchIdentity, deleteRedisKeys } from './resources';
import { BurstResult, measureBurst } from './servers-burst';
import { CROWDED_SERVER, CrowdResult, EMPTY_SERVER, makeCrowd, measureCrowded } from './servers-crowd';
import { measureMove, MoveResult } from './servers-move';
import { Stack } from './stack';

const CROWD_WORKERS = 2;
/**
 * Every template copy writes the template's size (7 MB) in WAL: 1.4 GB for 200. With initdb's
 * min_wal_size (80 MB) how many WAL segments a checkpoint keeps for reuse follows the server's
 * recent past, and each segment not kept is made again, zero-filled; segments kept for the whole
 * series make the floor and the burst pay the same (docs/scaling-out.md recommends the same for a
 * tenant server). The larger swings in a copy's cost (10 to 95 ms, nearly all kernel) come from
 * the filesystem on a journal-less ext4 after many drops, not from WAL: docs/performance.md,
 * "The burst", and `TMPDIR=/dev/shm` in bench/README.md.
 */
const BURST_SERVER_SETTINGS = { min_wal_size: '2GB', max_wal_size: '4GB' };
const E2E_WORKERS = 1;

export interface ServersSizes {
  crowd: number;
  crowdNote: string;
  warmup: number;
  /** Rounds of one tenant on each server. */
  e2eRounds: number;
  rawCopies: number;
  burst: number;
}

export interface ServersResult {
  servers: { master: PrivateServerFacts; empty: string; crowded: string };
  burst: BurstResult;
  crowd: CrowdResult;
  move: MoveResult;
}

/**
 * The servers series, on three private clusters of the same PostgreSQL: `master` (master, and the
 * burst with its floor, all on one server as in the throughput series), then `default` (empty)
 * and `crowded` (n real tenants) as the service's two database servers, master staying apart so
 * that neither tenant server also carries master's writes; then a tenant of ~100 MB moved from
 * the empty server to the crowded one.
 */
export async function measureServers(id: BenchIdentity, sizes: ServersSizes, log: (message: string) => void): Promise<ServersResult> {
  const [masterId, master] = await startPrivateServer(id, {
    why: 'master, and the burst and its floor; apart from the two tenant servers, so that thousands of databases made and dropped here disturb no other client',
    settings: BURST_SERVER_SETTINGS,
  });
  let stack: Stack | undefined;
  let admin: JsonClient | undefined;
  try {
    log(`servers: the parallel floor (${sizes.burst} template copies on 1, 2 and 4 sessions), then ${sizes.burst} tenants at once`);
    const burst = await measureBurst(masterId, sizes.warmup, sizes.burst);
    const [emptyId] = await startPrivateServer(id, { why: `the service's ${EMPTY_SERVER} database server` });
    const [crowdedId] = await startPrivateServer(id, { why: `the ${CROWDED_SERVER} database server` });
    const env = { TENANT_DATABASE_URL: emptyId.serverUrl };

    stack = await Stack.start(masterId, CROWD_WORKERS, env);
    admin = new JsonClient(stack.api.baseUrl, { authorization: stack.authorization });
    const added = await admin.request('POST', '/servers', {
      name: CROWDED_SERVER,
      url: crowdedId.serverUrl,
      capacity: sizes.crowd * 2,
    });
    if (added.status !== 201) throw new Error(`POST /servers answered ${added.status}: ${JSON.stringify(added.body)}`);
    log(`servers: ${sizes.crowd} tenants onto ${CROWDED_SERVER}`);
    const crowd = await makeCrowd(stack, admin, sizes.crowd, sizes.crowdNote);
    admin.close();
    await stack.stop();

    stack = await Stack.start(masterId, E2E_WORKERS, env);
    log(`servers: e2e, ${sizes.warmup} + ${sizes.e2eRounds} rounds of one tenant on each server`);
    const e2e = await measureCrowded(stack, { empty: emptyId, crowded: crowdedId }, sizes.warmup, sizes.e2eRounds, sizes.rawCopies);
    log(`servers: a tenant of ~100 MB moved from ${EMPTY_SERVER} to ${CROWDED_SERVER}`);
    const move = await measureMove(stack, emptyId, EMPTY_SERVER, CROWDED_SERVER, env);
    return {
      servers: { master, empty: emptyId.serverUrl, crowded: crowdedId.serverUrl },
      burst,
      crowd: { crowd, ...e2e },
      move,
    };
  } finally {
    admin?.close();
    await stack?.stop();
    await stopPrivateServer();
    await deleteRedisKeys(id);
  }
}

/** The servers series' lines of the printed table. */
export function serversRows(s: ServersResult): [string, string][] {
  const { burst, crowd, move } = s;
  const cpu = burst.burst.cpu_per_tenant;
  const best = burst.floor.rounds.reduce((a, b) => (b.databases_per_s > a.databases_per_s ? b : a));
  const floorCpu = best.cpu_per_database;
  const side = (c: CrowdResult['empty']) =>
    `p50 ${c.p50_ms} ms, p95 ${c.p95_ms} ms (n=${c.n}); job processing p50 ${c.breakdown_p50_ms.job_processing} ms, ` +
    `queue wait ${c.breakdown_p50_ms.job_queue_wait} ms; pool refilled after ${c.pool_refill_p50_ms} ms; ` +
    `${c.catalogs.databases} databases, pg_shdepend ${c.catalogs.pg_shdepend_kb} kB`;
  return [
    [`servers: crowd`, `${crowd.crowd.tenants} tenants (${crowd.crowd.note}), made in ${crowd.crowd.seconds} s: ${crowd.crowd.how}`],
    [`  e2e on the empty server`, side(crowd.empty)],
    [`  e2e on the crowded server`, side(crowd.crowded)],
    [
      `  raw CREATE DATABASE … TEMPLATE`,
      `empty p50 ${crowd.raw_template_copy_ms.empty.p50_ms} ms, crowded p50 ${crowd.raw_template_copy_ms.crowded.p50_ms} ms`,
    ],
    [
      `  parallel floor (template copies)`,
      burst.floor.rounds.map((r) => `${r.sessions}: ${r.databases_per_s}/s`).join(', ') +
        `; best ${burst.floor.best.databases_per_s}/s with ${burst.floor.best.sessions}; ` +
        `CPU ms/database PostgreSQL ${floorCpu.postgres_ms}, machine ${floorCpu.machine_ms} (${floorCpu.machine_busy_pct}% busy)`,
    ],
    [
      `  burst (${burst.burst.n} at once, ${burst.burst.workers} workers)`,
      `${burst.burst.tenants_per_s} tenants/s (${burst.burst.seconds} s; the POSTs answered in ${burst.burst.posts_s} s, ${burst.burst.posts_refused_503} answered 503 and sent again)` +
        (cpu ? `; ${cpuText(cpu)}` : '') +
        `; Redis commands/tenant ${burst.burst.redis_commands_per_tenant}`,
    ],
    [
      `  move ${move.database_mb} MB ${move.from} → ${move.to}`,
      `${move.move_s} s (registry switched at ${move.switched_s} s), unavailable ${move.unavailable_s} s; ` +
        `${move.writes.answered} writes answered, ${move.writes.refused} refused`,
    ],
  ];
}

const cpuText = (c: CpuPerTenant) =>
  `CPU ms/tenant workers ${c.workers_ms}, api ${c.api_ms}, bench ${c.bench_ms}, PostgreSQL ${c.postgres_ms}, machine ${c.machine_ms} (${c.machine_busy_pct}% busy)`;

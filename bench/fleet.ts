import * as os from 'node:os';
import { sleep } from '../test/support/processes/wait';
import { applyOnPlainConnections, FLEET_MIGRATION, FLOOR_AT_ONCE, floorSql, writeFleetMigrationsDir } from './fleet-migration';
import { databaseCounters, PrivateServerFacts, privatePostmasterPid, startPrivateServer, stopPrivateServer } from './private-server';
import { childPids, machineMs, postgresMs, postgresMsByKind, postgresSplit, processMs } from './proc';
import { provisionReadyTenants, tenantLoginUrls } from './ready-tenants';
import { BenchIdentity, deleteRedisKeys, withDatabase, withMaster, withServer } from './resources';
import { RolloutView, Stack } from './stack';
import { round, summarize, Summary } from './stats';

const WORKERS = 2;
/** FLEET_MIGRATION_CONCURRENCY, left at its default: tenants of a server all workers together migrate at once. */
const MIGRATION_CONCURRENCY = 4;
/** Often enough to time a rollout of 10 s or more within 2.5%, seldom enough that answering costs the api little. */
const POLL_MS = 250;
const ROLLOUT_TIMEOUT_MS = 10 * 60_000;
const REPORT_PAGE = 1000;
/** Floor and rollout measured back to back this many times: the ratio swings 0.5–0.75 from one pair to the next on the same code. */
const ROUNDS = 3;
/** Backends report their statistics about once a second. */
const STATS_DELAY_MS = 1500;

/** CPU ms per tenant during a timed phase, and how busy the machine was. */
export interface CpuPerTenant {
  workers_ms: number;
  api_ms: number;
  /** The benchmark's own process (the floor's pg clients; polling during a rollout). */
  bench_ms: number;
  postgres_ms: number;
  machine_ms: number;
  machine_busy_pct: number;
  postgres_split?: Record<string, number>;
}

export interface FleetRollout {
  /** Tenants ÷ (POST /fleet/migrations sent → GET /fleet/migrations/:id seen `completed`, polled every 50 ms). */
  tenants_per_s: number;
  seconds: number;
  /** The rollout's own createdAt → finishedAt. */
  server_seconds: number;
  totals: Record<string, number>;
  /** Each tenant's durationMs from the report (0 for one skipped on master's word). */
  tenant_ms: Summary;
  cpu_per_tenant: CpuPerTenant;
  sessions_per_tenant: SessionsPerTenant;
}

/** New PostgreSQL sessions (each a forked backend) per tenant during a timed phase. */
export interface SessionsPerTenant {
  tenant_databases: number;
  master: number;
  all: number;
}

export interface FleetFloor {
  tenants_per_s: number;
  seconds: number;
  at_once: number;
  login: string;
  /** Per database: connect, apply, close. */
  database_ms: Summary;
  cpu_per_tenant: CpuPerTenant;
  sessions_per_tenant: SessionsPerTenant;
}

/** One floor and one rollout, measured back to back. */
export interface FleetRound {
  floor_tenants_per_s: number;
  rollout_tenants_per_s: number;
  ratio: number;
}

export interface FleetResult {
  tenants: number;
  tenants_note: string;
  worker_processes: number;
  migration_concurrency: number;
  server: PrivateServerFacts;
  migration: { file: string; statements: string[] };
  provision_s: number;
  /** In the order measured; `floor` and `rollout` are the pair with the median ratio. */
  rounds: FleetRound[];
  floor: FleetFloor;
  rollout: FleetRollout;
  noop: FleetRollout;
  /** 1,000 tenants at the rollout's rate: measured when the series had 1,000, else projected. */
  thousand_tenants_s: number;
}

/**
 * The fleet series: n ready tenants made through the api and two workers; then api and workers
 * restart with one new migration in their TENANT_MIGRATIONS_DIR. Each round applies it with plain
 * pg clients (the floor, then undone) and then through a rollout, which is undone for the next
 * round; a last rollout finds nothing to do.
 */
export async function measureFleet(id: BenchIdentity, n: number, note: string): Promise<FleetResult> {
  const [fleetId, server] = await startPrivateServer(id, {
    why: 'making and dropping 1,000 tenant databases on the shared server would force checkpoints on every other client, and theirs would land in the timed rollout',
  });
  let stack: Stack | undefined;
  try {
    const t0 = performance.now();
    stack = await Stack.start(fleetId, WORKERS, {});
    const tenantIds = await provisionReadyTenants(stack, n, 'bench fleet');
    const provisionS = round((performance.now() - t0) / 1000, 2);
    await stack.stop();

    const logins = await tenantLoginUrls(fleetId, tenantIds);
    const urls = tenantIds.map((tenantId) => logins.get(tenantId)!);
    const superuserUrls = urls.map((url) => asSuperuser(fleetId, url));
    const before = await masterSchemaVersion(fleetId, tenantIds);

    stack = await Stack.start(fleetId, WORKERS, { TENANT_MIGRATIONS_DIR: writeFleetMigrationsDir() });
    // The workers rebuild the template and refill the pool for the new migrations first: not the rollout's work.
    await stack.waitForFullPool();
    // Untimed: the first connection into a fresh copy builds its caches (PostgreSQL's relation cache file among
    // them), which the first floor alone would otherwise pay: the first pair's ratio came out 0.66–0.86, the others 0.45–0.80.
    await applyOnPlainConnections(urls, 'SELECT 1');
    const pairs: { floor: FleetFloor; rollout: FleetRollout }[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      if (i > 0) await undoRollout(fleetId, superuserUrls, tenantIds, before);
      await checkpoint(fleetId);
      const floor = await measureFloor(fleetId, urls);
      // Undone (untimed, as superuser) so that the rollout finds every tenant behind.
      await applyOnPlainConnections(superuserUrls, FLEET_MIGRATION.undo);
      await checkpoint(fleetId);
      pairs.push({ floor, rollout: await timeRollout(fleetId, stack, n, 'migrated') });
    }
    const rounds = pairs.map(({ floor, rollout }) => ({
      floor_tenants_per_s: floor.tenants_per_s,
      rollout_tenants_per_s: rollout.tenants_per_s,
      ratio: round(rollout.tenants_per_s / floor.tenants_per_s, 2),
    }));
    const median = [...pairs.keys()].sort((a, b) => rounds[a]!.ratio - rounds[b]!.ratio)[Math.floor(ROUNDS / 2)]!;
    const { floor, rollout } = pairs[median]!;
    const noop = await timeRollout(fleetId, stack, n, 'skipped');
    return {
      tenants: n,
      tenants_note: note,
      worker_processes: WORKERS,
      migration_concurrency: MIGRATION_CONCURRENCY,
      server,
      migration: { file: FLEET_MIGRATION.file, statements: FLEET_MIGRATION.statements },
      provision_s: provisionS,
      rounds,
      floor,
      rollout,
      noop,
      thousand_tenants_s: round(1000 / rollout.tenants_per_s, 1),
    };
  } finally {
    await stack?.stop();
    await stopPrivateServer();
    await deleteRedisKeys(id);
  }
}

async function measureFloor(id: BenchIdentity, urls: string[]): Promise<FleetFloor> {
  const sessions = await watchSessions(id);
  const cpu = watchCpu(id.masterDb);
  const started = performance.now();
  const samples = await applyOnPlainConnections(urls, floorSql());
  const seconds = (performance.now() - started) / 1000;
  return {
    tenants_per_s: round(urls.length / seconds, 1),
    seconds: round(seconds, 2),
    at_once: FLOOR_AT_ONCE,
    login: "each tenant's own role (as the rollout logs in), trust auth on the private cluster",
    database_ms: summarize(samples),
    cpu_per_tenant: cpu.perTenant(urls.length, seconds),
    sessions_per_tenant: await sessions.perTenant(urls.length),
  };
}

/** One rollout of every ready tenant, timed from the POST to seeing it completed; every tenant must end `expected`. */
async function timeRollout(id: BenchIdentity, stack: Stack, n: number, expected: 'migrated' | 'skipped'): Promise<FleetRollout> {
  const sessions = await watchSessions(id);
  const cpu = watchCpu(id.masterDb);
  const started = performance.now();
  const { id: rolloutId } = await stack.startMigrationRollout();
  const deadline = Date.now() + ROLLOUT_TIMEOUT_MS;
  let report: RolloutView;
  for (;;) {
    report = await stack.rollout(rolloutId, 1);
    if (report.state !== 'running') break;
    if (Date.now() > deadline) throw new Error(`rollout ${rolloutId} still running after ${ROLLOUT_TIMEOUT_MS} ms`);
    await sleep(POLL_MS);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuPerTenant = cpu.perTenant(n, seconds);
  const { totals } = report;
  const sum = Object.entries(totals).reduce((all, [state, count]) => (state === 'total' ? all : all + count), 0);
  if (report.state !== 'completed' || totals.total !== n || sum !== n || totals[expected] !== n) {
    throw new Error(
      `rollout ${rolloutId} ended ${report.state} (${report.error}) with totals ${JSON.stringify(totals)}; expected ${n} ${expected}`,
    );
  }
  const durations: number[] = [];
  for (let after: number | undefined, page: RolloutView; ; after = page.tenants.nextCursor!) {
    page = await stack.rollout(rolloutId, REPORT_PAGE, after);
    durations.push(...page.tenants.items.map((item) => item.durationMs ?? 0));
    if (page.tenants.nextCursor === null) break;
  }
  return {
    tenants_per_s: round(n / seconds, 1),
    seconds: round(seconds, 2),
    server_seconds: round((Date.parse(report.finishedAt!) - Date.parse(report.createdAt)) / 1000, 2),
    totals,
    tenant_ms: summarize(durations),
    cpu_per_tenant: cpuPerTenant,
    sessions_per_tenant: await sessions.perTenant(n),
  };
}

/** Sessions opened from now on (read after the backends have reported them: after the timed part). */
async function watchSessions(id: BenchIdentity) {
  const before = await databaseCounters(id);
  return {
    async perTenant(n: number): Promise<SessionsPerTenant> {
      await sleep(STATS_DELAY_MS);
      const after = await databaseCounters(id);
      const per = (key: 'tenantSessions' | 'masterSessions' | 'allSessions') => round((after[key] - before[key]) / n, 2);
      return { tenant_databases: per('tenantSessions'), master: per('masterSessions'), all: per('allSessions') };
    },
  };
}

/** CPU of the workers, the api, this process, the (first) private cluster (split by kind of process) and the machine, from now on. */
export function watchCpu(masterDb: string) {
  const read = () => {
    const own = process.cpuUsage();
    return {
      workers: childPids('/apps/worker/').reduce((sum, pid) => sum + processMs(pid), 0),
      api: childPids('/apps/api/').reduce((sum, pid) => sum + processMs(pid), 0),
      bench: (own.user + own.system) / 1000,
      postgres: postgresMs(privatePostmasterPid()),
      machine: machineMs(),
      split: postgresMsByKind(privatePostmasterPid(), masterDb),
    };
  };
  const before = read();
  return {
    perTenant(n: number, seconds: number): CpuPerTenant {
      const after = read();
      const per = (key: Exclude<keyof typeof before, 'split'>) => round((after[key] - before[key]) / n, 2);
      return {
        workers_ms: per('workers'),
        api_ms: per('api'),
        bench_ms: per('bench'),
        postgres_ms: per('postgres'),
        machine_ms: per('machine'),
        machine_busy_pct: round((100 * (after.machine - before.machine)) / (seconds * 1000 * os.cpus().length)),
        postgres_split: postgresSplit(before.split, after.split, n),
      };
    },
  };
}

/** Starts a timed phase with clean buffers: what an earlier phase wrote is not flushed during it. */
const checkpoint = (id: BenchIdentity) => withServer(id, (server) => server.query('CHECKPOINT'));

/** The schema version master records for every one of the tenants, which must all be at the same. */
async function masterSchemaVersion(id: BenchIdentity, tenantIds: string[]): Promise<SchemaVersionRow> {
  return withMaster(id, async (master) => {
    const { rows } = await master.query<SchemaVersionRow>(
      'SELECT DISTINCT schema_migration, schema_fingerprint FROM tenants WHERE id = ANY($1::uuid[])',
      [tenantIds],
    );
    if (rows.length !== 1) throw new Error(`the fleet's tenants are at ${rows.length} schema versions; expected one`);
    return rows[0]!;
  });
}

/** A rollout's work taken back (as superuser, untimed): the table, Knex's record of it, and master's record of the version. */
async function undoRollout(id: BenchIdentity, superuserUrls: string[], tenantIds: string[], before: SchemaVersionRow) {
  const migration = FLEET_MIGRATION.file.replace(/\.js$/, '');
  await applyOnPlainConnections(superuserUrls, `${FLEET_MIGRATION.undo}; DELETE FROM knex_migrations WHERE name = '${migration}'`);
  await withMaster(id, (master) =>
    master.query('UPDATE tenants SET schema_migration = $1, schema_fingerprint = $2 WHERE id = ANY($3::uuid[])', [
      before.schema_migration,
      before.schema_fingerprint,
      tenantIds,
    ]),
  );
}

interface SchemaVersionRow {
  schema_migration: string | null;
  schema_fingerprint: string | null;
}

/** The same database, as the cluster's superuser. */
function asSuperuser(id: BenchIdentity, tenantUrl: string): string {
  return withDatabase(id.serverUrl, decodeURIComponent(new URL(tenantUrl).pathname.slice(1)));
}

// npm run bench [-- --quick] [-- --no-build] [-- --only <series>]: every figure (or the series named) in one run against one PostgreSQL and Redis
// (the routing and fleet series each on a private cluster of the same PostgreSQL, see private-server.ts).
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import { sleep } from '../test/support/processes/wait';
import { E2E_CONFIGS, E2eResult, measureE2e, measureThroughput, ThroughputResult } from './e2e';
import { measureFleet } from './fleet';
import { measureFloor, measurePoc } from './floor';
import { measureHttp } from './http';
import { printTable, withRatios, writeResults } from './report';
import { measureRouting } from './routing';
import { measureServers } from './servers';
import { stopPrivateServer } from './private-server';
import { selectedSeries, Series } from './series';
import {
  allDatabases,
  databasesOf,
  deleteRedisKeys,
  dropDatabases,
  dropRoles,
  newIdentity,
  redisKeysOf,
  rolesOf,
  serverFacts,
} from './resources';
import { removeRunDir, ROOT, snapshotBuild, stopAll } from './services';
import { round } from './stats';

const quick = process.argv.includes('--quick');
const only = selectedSeries(process.argv);
const ROUTED_TENANTS = { quick: 200, full: 1000 };
const FLEET_TENANTS = { quick: 200, full: 1000 };
/** Tenants already on the crowded server of the servers series. */
const CROWD_TENANTS = { quick: 300, full: 1000 };
const SIZES = quick
  ? {
      warmup: 8,
      floor: 15,
      poc: 15,
      e2e: 10,
      burst: 20,
      httpSeconds: 5,
      routedTenants: ROUTED_TENANTS.quick,
      fleetTenants: FLEET_TENANTS.quick,
      servers: { crowd: CROWD_TENANTS.quick, e2eRounds: 10, rawCopies: 10, burst: 200 },
    }
  : {
      warmup: 8,
      floor: 40,
      poc: 30,
      e2e: 30,
      burst: 60,
      httpSeconds: 15,
      routedTenants: ROUTED_TENANTS.full,
      fleetTenants: FLEET_TENANTS.full,
      servers: { crowd: CROWD_TENANTS.full, e2eRounds: 30, rawCopies: 20, burst: 200 },
    };

const id = newIdentity(process.env);
const loadavg = () => os.loadavg().map((value) => round(value, 2));
const log = (message: string) => process.stdout.write(`[bench] ${message}\n`);

let cleaning: Promise<void> | undefined;
let interrupted = false;
let databasesBefore: Set<string> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    let dropped = 0;
    let roles = 0;
    let keys = 0;
    const failures: unknown[] = [];
    const attempt = async (step: () => Promise<unknown>) => step().catch((error: unknown) => failures.push(error));
    // A second pass catches what a measurement interrupted mid-way created after the first.
    for (let pass = 0; pass < 2; pass++) {
      await attempt(stopAll);
      await attempt(stopPrivateServer);
      await attempt(async () => (keys += await deleteRedisKeys(id)));
      await attempt(async () => (dropped += (await dropDatabases(id)).length));
      await attempt(async () => (roles += (await dropRoles(id)).length));
      if (pass === 0) await sleep(500);
    }
    removeRunDir();
    for (const failure of failures) log(`cleanup step failed: ${failure instanceof Error ? failure.message : String(failure)}`);
    const left = { databases: await databasesOf(id), roles: await rolesOf(id), keys: await redisKeysOf(id) };
    if (Object.values(left).some((names) => names.length)) throw new Error(`left behind: ${JSON.stringify(left)}`);
    log(`cleanup: removed ${dropped} databases, ${roles} roles and ${keys} Redis keys still there; none of this run's left`);
    // Not dropped: on a shared server they may be anyone's; listed in case a service named one without the prefix.
    const appeared = databasesBefore && (await allDatabases(id)).filter((name) => !databasesBefore!.has(name));
    if (appeared?.length) log(`note: databases created on the server during the run, not by name this run's: ${appeared.join(', ')}`);
  })();
  return cleaning;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    interrupted = true;
    log(`${signal}: stopping and cleaning up`);
    cleanup()
      .catch((error) => log(`cleanup failed: ${error}`))
      .finally(() => process.exit(130));
  });
}

async function main(): Promise<void> {
  const started = performance.now();
  if (!process.argv.includes('--no-build')) {
    log('npm run build');
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('npm run build failed');
  }
  snapshotBuild();
  databasesBefore = new Set(await allDatabases(id));
  const loadavgStart = loadavg();
  log(`run ${id.token} (${quick ? 'quick' : 'full'}): tenant databases ${id.tenantDbPrefix}*, master ${id.masterDb}`);

  const facts = await serverFacts(id);
  log(`series: ${[...only].join(', ')}`);
  const measure = <T>(series: Series, what: string, run: () => Promise<T>): Promise<T | undefined> => {
    if (!only.has(series)) return Promise.resolve(undefined);
    log(what);
    return run();
  };
  const floor = await measure('floor', `floor: ${SIZES.floor} x CREATE DATABASE`, () => measureFloor(id, SIZES.warmup, SIZES.floor));
  const poc = await measure('poc', `proof of concept: ${SIZES.poc} x CREATE DATABASE + knex migrate`, () =>
    measurePoc(id, SIZES.warmup, SIZES.poc),
  );
  const e2e = await measure('e2e', `end to end: ${SIZES.e2e} sequential tenants per configuration`, async () => {
    const results: E2eResult[] = [];
    for (const config of E2E_CONFIGS) {
      log(`end to end, ${config.label}`);
      results.push(await measureE2e(id, config, SIZES.warmup, SIZES.e2e));
    }
    return results;
  });
  const throughput = await measure('throughput', `throughput: ${SIZES.burst} tenants at once`, async () => {
    const results: ThroughputResult[] = [];
    for (const workers of [1, 2]) {
      log(`throughput: ${workers} worker process(es)`);
      results.push(await measureThroughput(id, workers, SIZES.warmup, SIZES.burst));
    }
    return results;
  });
  const http = await measure('http', `HTTP: autocannon ${SIZES.httpSeconds} s on status, then on the bare app`, () =>
    measureHttp(id, SIZES.httpSeconds),
  );
  const routing = await measure(
    'routing',
    `routing: ${SIZES.routedTenants} tenants, then autocannon ${SIZES.httpSeconds} s on each of three series`,
    () =>
      measureRouting(
        id,
        SIZES.routedTenants,
        quick
          ? `--quick: ${ROUTED_TENANTS.quick}; the full run uses ${ROUTED_TENANTS.full}`
          : `full run; --quick uses ${ROUTED_TENANTS.quick}`,
        SIZES.httpSeconds,
      ),
  );
  const fleet = await measure(
    'fleet',
    `fleet: ${SIZES.fleetTenants} tenants, the floor (plain pg), then a rollout of one new migration and a rollout of none`,
    () =>
      measureFleet(
        id,
        SIZES.fleetTenants,
        quick
          ? `--quick: ${FLEET_TENANTS.quick}; the full run uses ${FLEET_TENANTS.full}`
          : `full run; --quick uses ${FLEET_TENANTS.quick}`,
      ),
  );
  const servers = await measure(
    'servers',
    `servers: ${SIZES.servers.burst} tenants at once over the parallel floor; e2e on an empty server and on one with ${SIZES.servers.crowd} tenants; a 100 MB move`,
    () =>
      measureServers(
        id,
        {
          ...SIZES.servers,
          warmup: SIZES.warmup,
          crowdNote: quick
            ? `--quick: ${CROWD_TENANTS.quick}; the full run uses ${CROWD_TENANTS.full}`
            : `full run; --quick uses ${CROWD_TENANTS.quick}`,
        },
        log,
      ),
  );

  const results = withRatios({
    date: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    series: [...only],
    machine: {
      cpus: os.cpus().length,
      cpu_model: os.cpus()[0]?.model ?? 'unknown',
      ...facts,
      node_version: process.version,
      loadavg_start: loadavgStart,
      loadavg_end: loadavg(),
    },
    run: {
      tenant_db_prefix: id.tenantDbPrefix,
      master_database: id.masterDb,
      queue_prefix: id.queuePrefix,
      duration_s: Math.round((performance.now() - started) / 1000),
    },
    floor,
    poc,
    e2e,
    throughput,
    http,
    routing,
    fleet,
    servers,
  });
  printTable(results);
  for (const file of writeResults(results)) log(`wrote ${file}`);
}

main()
  .catch((error) => {
    process.exitCode = 1;
    // After Ctrl-C the measurement in flight fails as its services go away; that is no news.
    if (!interrupted) log(`failed: ${error instanceof Error ? error.stack : error}`);
  })
  .finally(() =>
    cleanup().catch((error) => {
      process.exitCode = 1;
      log(`cleanup failed: ${error}`);
    }),
  );

import { Client } from 'pg';
import { InternalDatabaseNames } from '../libs/tenancy/src/tenant-databases/internal-database-names';
import { measureThroughput, ThroughputResult } from './e2e';
import { CpuPerTenant, watchCpu } from './fleet';
import { BenchIdentity, dropNamed, quoteIdent, withServer } from './resources';
import { Stack } from './stack';
import { round, summarize, Summary } from './stats';

const BURST_WORKERS = 2;
/**
 * The burst is timed to the last readyAt master recorded, so how often it is watched (a GET /org
 * round of two pages of 100) does not change the time; every 50 ms cost the api and master about
 * 10 ms of CPU per tenant, which the rate then paid for.
 */
const WATCH_POLL_MS = 500;
/**
 * Sessions copying the template at once. Each round makes as many databases as the burst makes
 * tenants: a rate is compared with a rate sustained as long. Rounds of 20 or 40 copies took under
 * a second (the same 4-session round gave 52 and 27 copies/s in one run), and never wrote the WAL
 * that forces a checkpoint in a burst of 200 (7 MB each against max_wal_size's 1 GB).
 */
const SESSIONS = [1, 2, 4];

export interface ParallelFloorRound {
  sessions: number;
  databases: number;
  seconds: number;
  databases_per_s: number;
  /** Each CREATE DATABASE … TEMPLATE, as its session saw it. */
  database_ms: Summary;
  /** Per database: PostgreSQL's (the copies), this process's (the pg clients) and the machine's. */
  cpu_per_database: Pick<CpuPerTenant, 'postgres_ms' | 'bench_ms' | 'machine_ms' | 'machine_busy_pct'>;
}

export interface BurstResult {
  template: string;
  /** Raw copies of the template on open sessions, each round dropped (untimed) and a CHECKPOINT before the next. */
  floor: { rounds: ParallelFloorRound[]; best: { sessions: number; databases_per_s: number } };
  /** The service: n tenants POSTed at once, default settings (warm pool on), two workers. */
  burst: ThroughputResult;
}

/**
 * The parallel floor, then the burst, on the same server (`id`'s, which also holds master, as in
 * the throughput series). The template is the one the service builds there: a stack starts, fills
 * its warm pool and stops, leaving both for the floor and for measureThroughput's own stack.
 */
export async function measureBurst(id: BenchIdentity, warmup: number, n: number): Promise<BurstResult> {
  const stack = await Stack.start(id, BURST_WORKERS, {});
  try {
    await stack.waitForFullPool();
  } finally {
    await stack.stop();
  }
  const template = new InternalDatabaseNames(id.tenantDbPrefix).template;
  await assertTemplate(id, template);
  const names: string[] = [];
  const name = (label: string) => {
    names.push(`${id.tenantDbPrefix}floor_${label}`);
    return names[names.length - 1]!;
  };
  const rounds: ParallelFloorRound[] = [];
  try {
    // Untimed, as many copies as a round: the WAL segments every round and the burst will reuse.
    await floorRound(id, template, Math.max(...SESSIONS), n, (i) => name(`w${i}`));
    for (const [index, sessions] of SESSIONS.entries()) {
      await dropNamed(id, names.splice(0));
      await withServer(id, (client) => client.query('CHECKPOINT'));
      rounds.push(await floorRound(id, template, sessions, n, (i) => name(`${index}_${i}`)));
    }
  } finally {
    await dropNamed(id, names.splice(0));
  }
  await withServer(id, (client) => client.query('CHECKPOINT'));
  const best = rounds.reduce((a, b) => (b.databases_per_s > a.databases_per_s ? b : a));
  const burst = await measureThroughput(id, BURST_WORKERS, warmup, n, () => watchCpu(id.masterDb).perTenant, WATCH_POLL_MS);
  return { template, floor: { rounds, best: { sessions: best.sessions, databases_per_s: best.databases_per_s } }, burst };
}

/** `count` copies of the template split over `sessions` open connections, all started together. */
async function floorRound(
  id: BenchIdentity,
  template: string,
  sessions: number,
  count: number,
  name: (i: number) => string,
): Promise<ParallelFloorRound> {
  const targets = Array.from({ length: count }, (_, i) => name(i));
  const samples: number[] = [];
  const clients = await Promise.all(
    Array.from({ length: sessions }, async () => {
      const client = new Client({ connectionString: id.serverUrl });
      await client.connect();
      return client;
    }),
  );
  try {
    const cpu = watchCpu(id.masterDb);
    const started = performance.now();
    await Promise.all(
      clients.map(async (client) => {
        for (let target = targets.shift(); target !== undefined; target = targets.shift()) {
          const t0 = performance.now();
          await copy(client, template, target);
          samples.push(performance.now() - t0);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const { postgres_ms, bench_ms, machine_ms, machine_busy_pct } = cpu.perTenant(count, seconds);
    return {
      sessions,
      databases: count,
      seconds: round(seconds, 3),
      databases_per_s: round(count / seconds, 2),
      database_ms: summarize(samples),
      cpu_per_database: { postgres_ms, bench_ms, machine_ms, machine_busy_pct },
    };
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
}

const copy = (client: Client, template: string, name: string) =>
  client.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);

async function assertTemplate(id: BenchIdentity, template: string): Promise<void> {
  const { rowCount } = await withServer(id, (client) =>
    client.query('SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate', [template]),
  );
  if (!rowCount) throw new Error(`the service built no template ${template} on the server`);
}

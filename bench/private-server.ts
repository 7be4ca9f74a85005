import { appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PrivatePostgres } from '../test/chaos/support/private-postgres';
import { freePort } from '../test/support/processes/free-port';
import { BenchIdentity, withDatabase, withServer } from './resources';

export interface PrivateServerFacts {
  /** Where the series ran, and why not on the shared server. */
  where: string;
  max_connections: number;
  shared_server_max_connections: number;
}

export interface PrivateServerOptions {
  /** Appended to postgresql.conf; initdb's default (100) when absent. */
  maxConnections?: number;
  /** Other settings appended to postgresql.conf, named in the results. */
  settings?: Record<string, string>;
  /** Why the series does not run on the shared server, for the results. */
  why: string;
}

/** The clusters started, first first. */
const running: { pg: PrivatePostgres; root: string }[] = [];

/**
 * A private cluster of the same PostgreSQL, initdb defaults (fsync on, 128 MB shared_buffers),
 * for a series the shared development server cannot hold or would disturb (the routing and
 * fleet series say why). A series may start several (the servers series: one per database
 * server); the returned identity keeps the run's token, prefixes and Redis.
 */
export async function startPrivateServer(
  id: BenchIdentity,
  options: PrivateServerOptions,
): Promise<[BenchIdentity, PrivateServerFacts]> {
  const shared = await maxConnections(id);
  const root = mkdtempSync(path.join(os.tmpdir(), 'bench-pg-'));
  chmodSync(root, 0o755); // the postgres user must reach its directory inside
  const pg = new PrivatePostgres(path.join(root, 'pg'), await freePort());
  running.push({ pg, root });
  await pg.init();
  const settings = { ...options.settings, ...(options.maxConnections ? { max_connections: String(options.maxConnections) } : {}) };
  const lines = Object.entries(settings).map(([name, value]) => `${name} = '${value}'\n`);
  if (lines.length) appendFileSync(path.join(pg.dataDir, 'postgresql.conf'), `\n${lines.join('')}`);
  await pg.start();
  const serverUrl = pg.url('postgres');
  const privateId: BenchIdentity = { ...id, databaseUrl: serverUrl, serverUrl, masterUrl: withDatabase(serverUrl, id.masterDb) };
  const ownMax = await maxConnections(privateId);
  const facts = {
    where: `a private PostgreSQL cluster (initdb defaults${otherSettings(options.settings)}, max_connections ${ownMax}): ${options.why}`,
    max_connections: ownMax,
    shared_server_max_connections: shared,
  };
  return [privateId, facts];
}

/** Statistics PostgreSQL keeps per database, summed: the master's and all tenant databases'. */
export interface DatabaseCounters {
  masterTransactions: number;
  tenantSessions: number;
  tenantTransactions: number;
  /** Sessions opened into master, and into every database of the server. */
  masterSessions: number;
  allSessions: number;
}

/**
 * From pg_stat_database: transactions in master (tenant and API key lookups), and sessions opened
 * into tenant databases (new connections). Backends report about once a second, so a reading is
 * up to a second behind.
 */
export async function databaseCounters(id: BenchIdentity): Promise<DatabaseCounters> {
  const { rows } = await withServer(id, (server) =>
    server.query<{
      master_xacts: string;
      tenant_sessions: string;
      tenant_xacts: string;
      master_sessions: string;
      all_sessions: string;
    }>(
      `SELECT coalesce(sum(xact_commit + xact_rollback) FILTER (WHERE datname = $1), 0) AS master_xacts,
              coalesce(sum(sessions) FILTER (WHERE datname = $1), 0) AS master_sessions,
              coalesce(sum(sessions), 0) AS all_sessions,
              coalesce(sum(sessions) FILTER (WHERE starts_with(datname, $2)), 0) AS tenant_sessions,
              coalesce(sum(xact_commit + xact_rollback) FILTER (WHERE starts_with(datname, $2)), 0) AS tenant_xacts
         FROM pg_stat_database`,
      [id.masterDb, id.tenantDbPrefix],
    ),
  );
  const row = rows[0]!;
  return {
    masterTransactions: Number(row.master_xacts),
    tenantSessions: Number(row.tenant_sessions),
    tenantTransactions: Number(row.tenant_xacts),
    masterSessions: Number(row.master_sessions),
    allSessions: Number(row.all_sessions),
  };
}

/** The (first) private cluster's postmaster, whose children are its backends. */
export function privatePostmasterPid(): number {
  const [first] = running;
  if (!first) throw new Error('no private PostgreSQL cluster is running');
  return Number(readFileSync(path.join(first.pg.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
}

/** Stops every private cluster and deletes it, databases and all. */
export async function stopPrivateServer(): Promise<void> {
  const servers = running.splice(0);
  await Promise.all(
    servers.map(async (server) => {
      await server.pg.stop('fast').catch(() => server.pg.kill9());
      rmSync(server.root, { recursive: true, force: true });
    }),
  );
}

async function maxConnections(id: BenchIdentity): Promise<number> {
  const { rows } = await withServer(id, (server) => server.query<{ n: string }>("SELECT current_setting('max_connections') AS n"));
  return Number(rows[0]!.n);
}

function otherSettings(settings: Record<string, string> = {}): string {
  const named = Object.entries(settings).map(([name, value]) => `${name} ${value}`);
  return named.length ? ` except ${named.join(' and ')}` : '';
}

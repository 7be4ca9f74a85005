import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Client } from 'pg';
import { ConnectionCost, measureConnectionCost } from './connection-cost';

/**
 * Everything one run creates carries its random token: tenant databases and roles `<token>_*`,
 * the master database `<token>` (outside the tenant prefix, so nothing that sweeps
 * tenant-prefixed databases can take it) and Redis keys `<token>:*`. Cleanup drops exactly what
 * contains the token.
 */
export interface BenchIdentity {
  token: string;
  tenantDbPrefix: string;
  masterDb: string;
  queuePrefix: string;
  adminApiKey: string;
  tenantSecretKey: string;
  databaseUrl: string;
  masterUrl: string;
  /** The server's maintenance database, for CREATE/DROP DATABASE. */
  serverUrl: string;
  redisUrl: string;
}

export function newIdentity(env: NodeJS.ProcessEnv): BenchIdentity {
  const token = `bench_${randomBytes(4).toString('hex')}`;
  const databaseUrl = env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/master';
  return {
    token,
    tenantDbPrefix: `${token}_`,
    masterDb: token,
    queuePrefix: token,
    adminApiKey: randomBytes(24).toString('hex'),
    tenantSecretKey: randomBytes(32).toString('hex'),
    databaseUrl,
    masterUrl: withDatabase(databaseUrl, token),
    serverUrl: withDatabase(databaseUrl, 'postgres'),
    redisUrl: env.REDIS_URL || 'redis://127.0.0.1:6379',
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

export function withServer<T>(id: BenchIdentity, work: (client: Client) => Promise<T>): Promise<T> {
  return withConnection(id.serverUrl, work);
}

/** The run's master database, as the services see it. */
export function withMaster<T>(id: BenchIdentity, work: (client: Client) => Promise<T>): Promise<T> {
  return withConnection(id.masterUrl, work);
}

async function withConnection<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function allDatabases(id: BenchIdentity): Promise<string[]> {
  return withServer(id, async (client) => {
    const result = await client.query<{ datname: string }>('SELECT datname FROM pg_database ORDER BY datname');
    return result.rows.map((row) => row.datname);
  });
}

export async function databasesOf(id: BenchIdentity): Promise<string[]> {
  return withServer(id, async (client) => {
    const result = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE position($1 in datname) > 0 ORDER BY datname',
      [id.token],
    );
    return result.rows.map((row) => row.datname);
  });
}

/** Drops every database of this run (FORCE ends sessions a killed service may have left). */
export async function dropDatabases(id: BenchIdentity): Promise<string[]> {
  const names = await databasesOf(id);
  await dropNamed(id, names);
  return names;
}

/** DROP DATABASE forces a checkpoint; concurrent drops share one, so a thousand go several at a time. */
const DROP_CONNECTIONS = 4;

/** Drops each database, template or not; tries them all before reporting what failed. */
export async function dropNamed(id: BenchIdentity, names: string[]): Promise<void> {
  const failures: string[] = [];
  const queue = [...names];
  const dropper = () =>
    withServer(id, async (client) => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        try {
          const template = await client.query('SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate', [name]);
          if (template.rowCount) await client.query(`ALTER DATABASE ${quoteIdent(name)} WITH IS_TEMPLATE false`);
          await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
        } catch (error) {
          // Someone else (a concurrent cleanup after Ctrl-C) may have dropped it meanwhile.
          const still = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
          if (still.rowCount) failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    });
  await Promise.all(Array.from({ length: Math.min(DROP_CONNECTIONS, names.length) }, dropper));
  if (failures.length) throw new Error(`could not drop ${failures.join('; ')}`);
}

export async function rolesOf(id: BenchIdentity): Promise<string[]> {
  return withServer(id, async (client) => {
    const result = await client.query<{ rolname: string }>(
      'SELECT rolname FROM pg_roles WHERE position($1 in rolname) > 0 ORDER BY rolname',
      [id.token],
    );
    return result.rows.map((row) => row.rolname);
  });
}

/** Drops the run's roles (tenant and template owners); run after its databases are gone. */
export async function dropRoles(id: BenchIdentity): Promise<string[]> {
  const names = await rolesOf(id);
  const failures: string[] = [];
  await withServer(id, async (client) => {
    for (const name of names) {
      try {
        await client.query(`DROP OWNED BY ${quoteIdent(name)}`);
        await client.query(`DROP ROLE IF EXISTS ${quoteIdent(name)}`);
      } catch (error) {
        const still = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
        if (still.rowCount) failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  });
  if (failures.length) throw new Error(`could not drop role ${failures.join('; ')}`);
  return names;
}

export async function withRedis<T>(id: BenchIdentity, work: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(id.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  await redis.connect();
  try {
    return await work(redis);
  } finally {
    redis.disconnect();
  }
}

export async function redisKeysOf(id: BenchIdentity): Promise<string[]> {
  return withRedis(id, async (redis) => {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `*${id.token}*`, 'COUNT', 1000);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    return keys;
  });
}

export async function deleteRedisKeys(id: BenchIdentity): Promise<number> {
  const keys = await redisKeysOf(id);
  if (keys.length) await withRedis(id, (redis) => redis.del(...keys));
  return keys.length;
}

/** Commands the Redis server has processed since it started (every client's: the figure is the machine's). */
export async function redisCommandsProcessed(id: BenchIdentity): Promise<number> {
  const info = await withRedis(id, (redis) => redis.info('stats'));
  return Number(/total_commands_processed:(\d+)/.exec(info)?.[1] ?? NaN);
}

export async function serverFacts(
  id: BenchIdentity,
): Promise<{ postgres_version: string; redis_version: string; postgres_connection_cost: ConnectionCost }> {
  const postgres = await withServer(id, (client) =>
    client.query<{ v: string }>('SELECT current_setting($1) AS v', ['server_version']),
  );
  const info = await withRedis(id, (redis) => redis.info('server'));
  return {
    postgres_version: postgres.rows[0]!.v,
    redis_version: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown',
    postgres_connection_cost: await measureConnectionCost(id.serverUrl),
  };
}

/**
 * Runs `work` and counts the checkpoints PostgreSQL was asked for meanwhile. The timed parts of
 * this benchmark drop nothing, so these come from other clients' DROP DATABASEs (or from WAL
 * volume): a sign that the server was shared and the figures are noisy.
 */
export async function countingCheckpoints<T>(id: BenchIdentity, work: () => Promise<T>): Promise<[T, number]> {
  const requested = () =>
    withServer(id, async (client) => {
      const result = await client.query<{ n: string }>('SELECT checkpoints_req AS n FROM pg_stat_bgwriter');
      return Number(result.rows[0]!.n);
    });
  const before = await requested();
  const value = await work();
  return [value, (await requested()) - before];
}

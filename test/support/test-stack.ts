import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import {
  AppConfig,
  createRedisClient,
  databaseOf,
  InternalDatabaseNames,
  loadConfig,
  RedisTopology,
  withDatabase,
} from '@app/tenancy';
import { Cluster } from 'ioredis';
import { Client } from 'pg';
import { createApiApp } from '../../apps/api/src/api.app';
import { createTenantApiApp } from '../../apps/tenant-api/src/tenant-api.app';
import { createWorkerApp } from '../../apps/worker/src/worker.app';

const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * One test file's private world on the machine's real PostgreSQL and Redis: its own master
 * database, tenant database prefix and queue prefix, all removed by `teardown()`.
 */
export class TestStack {
  readonly id = `t${randomBytes(4).toString('hex')}`;
  readonly config: AppConfig;
  /** The service's own databases and roles (template, pool), named as the service names them. */
  readonly internalNames: InternalDatabaseNames;
  private readonly apps: INestApplication[] = [];
  /** The settings the configuration was loaded from, for apps started with a few of them changed. */
  private readonly environment: Record<string, string>;

  /** `serverUrl` lets the services reach PostgreSQL another way (through a proxy, say). */
  constructor(overrides: Record<string, string> = {}, serverUrl = SERVER_URL) {
    this.environment = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'error',
      TENANT_SECRET_KEY: randomBytes(32).toString('hex'),
      DATABASE_URL: withDatabase(serverUrl, `${this.id}_master`),
      REDIS_URL,
      TENANT_DB_PREFIX: `${this.id}_`,
      QUEUE_PREFIX: `test-${this.id}`,
      PROVISION_BACKOFF_MS: '50',
      CREATE_RATE_LIMIT: '0',
      ...overrides,
    };
    this.config = loadConfig(this.environment);
    this.internalNames = new InternalDatabaseNames(this.config.tenants.databasePrefix);
  }

  /** Starts the api on a free port and returns its base URL. */
  async startApi(): Promise<string> {
    const app = await createApiApp(this.config);
    await app.listen(0, '127.0.0.1');
    this.apps.push(app);
    const { port } = app.getHttpServer().address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /**
   * Starts tenant-api on a free port (on the stack's master, tenant prefix and queue prefix, with
   * `overrides` on top, e.g. `{ TENANT_POOLS_MAX: '5' }`) and returns its base URL.
   */
  async startTenantApi(overrides: Record<string, string> = {}): Promise<string> {
    const app = await createTenantApiApp(loadConfig({ ...this.environment, ...overrides }));
    await app.listen(0, '127.0.0.1');
    this.apps.push(app);
    const { port } = app.getHttpServer().address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async startWorker(): Promise<INestApplication> {
    const app = await createWorkerApp(this.config);
    await app.listen(0, '127.0.0.1');
    this.apps.push(app);
    return app;
  }

  /** The REDIS_* settings the stack runs with, for another process on the same Redis. */
  redisEnvironment(): Record<string, string> {
    return Object.fromEntries(Object.entries(this.environment).filter(([name]) => name.startsWith('REDIS_')));
  }

  async stop(app: INestApplication): Promise<void> {
    this.apps.splice(this.apps.indexOf(app), 1);
    await app.close();
  }

  /** Runs SQL, as the test's superuser, in the master database or in the database named. */
  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = [], database?: string): Promise<T[]> {
    const url = withDatabase(SERVER_URL, database ?? databaseOf(this.config.master.url));
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /**
   * Who owns the public tables of a database (`table` alone, when named), one row per table: a table
   * owned by pg_database_owner, as a template copy's are, counts as its database owner's.
   */
  async tableOwners(database: string, table?: string): Promise<string[]> {
    const rows = await this.query<{ owner: string }>(
      `SELECT CASE t.tableowner WHEN 'pg_database_owner' THEN pg_get_userbyid(d.datdba) ELSE t.tableowner END AS owner
         FROM pg_tables t JOIN pg_database d ON d.datname = current_database()
        WHERE t.schemaname = 'public' AND ($1::text IS NULL OR t.tablename = $1)
        ORDER BY t.tablename`,
      [table ?? null],
      database,
    );
    return rows.map((row) => row.owner);
  }

  /** Names of the tenant databases on the server (not the master, template or warm spares). */
  async tenantDatabases(): Promise<string[]> {
    const rows = await this.query<{ datname: string }>(
      `SELECT datname FROM pg_database
        WHERE starts_with(datname, $1) AND NOT starts_with(datname, $2) AND datname <> $3 ORDER BY datname`,
      [this.config.tenants.databasePrefix, this.internalNames.anyInternalPrefix, databaseOf(this.config.master.url)],
      'postgres',
    );
    return rows.map((row) => row.datname);
  }

  /** Deletes every Redis key of the stack's queues, as a Redis that lost its data would have none. */
  async flushQueues(): Promise<void> {
    await deleteKeys(this.config.redis.topology, this.keyPatterns());
  }

  /** Closes every app started, as a shutdown would. */
  async closeApps(): Promise<void> {
    await Promise.all(this.apps.splice(0).map((app) => app.close()));
  }

  async teardown(): Promise<void> {
    await this.closeApps();
    const databases = await this.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [this.id],
      'postgres',
    );
    for (const { datname } of databases) {
      await this.query(`ALTER DATABASE "${datname}" IS_TEMPLATE false`, [], 'postgres').catch(() => undefined);
      await this.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`, [], 'postgres');
    }
    const roles = await this.query<{ rolname: string }>(
      'SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1)',
      [this.id],
      'postgres',
    );
    for (const { rolname } of roles) await this.query(`DROP ROLE IF EXISTS "${rolname}"`, [], 'postgres');
    await deleteKeys(this.config.redis.topology, this.keyPatterns());
  }

  /** The stack's queue keys (hash-tagged on a Cluster) and its other keys. */
  private keyPatterns(): string[] {
    const { prefix, queuePrefix } = this.config.redis;
    return [...new Set([`${prefix}:*`, `${queuePrefix}:*`])];
  }
}

async function deleteKeys(topology: RedisTopology, patterns: string[]): Promise<void> {
  const client = createRedisClient(topology);
  try {
    await client.ping();
    // A Cluster's keys are spread over its masters, and one DEL may name keys of one slot only.
    const servers = client instanceof Cluster ? client.nodes('master') : [client];
    for (const server of servers) {
      for (const pattern of patterns) {
        let cursor = '0';
        do {
          const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
          await Promise.all(keys.map((key) => server.del(key)));
          cursor = next;
        } while (cursor !== '0');
      }
    }
  } finally {
    client.disconnect();
  }
}

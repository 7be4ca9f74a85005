import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { z } from 'zod';
import { databaseOf, withDatabase } from '../postgres/connection-url';
import { nodeListProblem, readRedisTopology, redisUrlProblem } from './redis-topology';

const DEFAULT_TENANT_MIGRATIONS_DIR = path.resolve(__dirname, '../../../../migrations/tenant');
const DEFAULT_TENANT_SEEDS_DIR = path.resolve(__dirname, '../../../../seeds/tenant');

/** Where a tenant app finds which tenant a request is for, in the order it asks them. */
export const TENANT_RESOLVERS = ['header', 'path', 'subdomain', 'jwt'] as const;
export type TenantResolverName = (typeof TENANT_RESOLVERS)[number];

const integer = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: `must be a whole number from ${min} to ${max}` })
    .int({ error: `must be a whole number from ${min} to ${max}` })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` })
    .default(fallback);

/** An optional setting whose problem, if any, `problemOf` tells. */
const checkedBy = (problemOf: (value: string) => string | undefined) =>
  z
    .string()
    .superRefine((value, context) => {
      const problem = problemOf(value);
      if (problem) context.addIssue({ code: 'custom', message: problem });
    })
    .optional();

const postgresUrl = z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' });

const MIN_PRODUCTION_ADMIN_KEY_LENGTH = 32;

/** Keys printed in this repository's documentation and examples: public, so never secret. */
const DOCUMENTED_EXAMPLE_KEYS = new Set(['local-trial-admin-key', 'change-me', 'changeme', 'secret']);

/** Why a key cannot protect a production deployment, or undefined when it may. */
function productionKeyProblem(key: string | undefined): string | undefined {
  if (!key) return 'is required';
  if (DOCUMENTED_EXAMPLE_KEYS.has(key.toLowerCase())) return 'is an example published with this project';
  // One character or a short run repeated ("0000…", "abab…") is a placeholder, not a key.
  if (/^(.{1,8})\1+$/s.test(key)) return 'is a short pattern repeated, not a random key';
  return undefined;
}

/** Used only outside production when TENANT_SECRET_KEY is unset; start-up warns about it. */
const DEVELOPMENT_SECRET_KEY = createHash('sha256').update('tenancy development key: not secret').digest();

/** Every environment variable the services read, in the groups of the configuration they make. */
const environmentVariables = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // master
  DATABASE_URL: postgresUrl
    .default('postgres://postgres@127.0.0.1:5432/master')
    .refine((url) => databaseOf(url) !== '', { error: 'must name the master database' }),
  MASTER_MIGRATION_LOCK_TIMEOUT_MS: integer(100, 3_600_000, 60_000),
  // tenantServer
  TENANT_DATABASE_URL: postgresUrl.optional(),
  // redis
  // Each is checked alone here, and the combination by readRedisTopology below.
  REDIS_URL: checkedBy(redisUrlProblem),
  REDIS_PASSWORD: z.string().optional(),
  REDIS_SENTINELS: checkedBy(nodeListProblem),
  REDIS_SENTINEL_NAME: z.string().optional(),
  REDIS_SENTINEL_PASSWORD: z.string().optional(),
  REDIS_CLUSTER_NODES: checkedBy(nodeListProblem),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be 1 to 64 characters of A-Z, a-z, 0-9, _ or -' })
    .default('bull'),
  // tenants
  TENANT_DB_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,28}_$/, {
      error: 'must start with a lower-case letter, hold only a-z, 0-9 and _, and end with _ (at most 30 characters)',
    })
    .default('tenant_'),
  TENANT_DB_NAMING: z.enum(['slug', 'opaque'], { error: 'must be slug or opaque' }).default('slug'),
  TENANT_CONNECTION_LIMIT: integer(1, 10_000, 20),
  TENANT_MIGRATIONS_DIR: z
    .string()
    .min(1)
    .default(DEFAULT_TENANT_MIGRATIONS_DIR)
    .transform((dir) => path.resolve(dir)),
  TENANT_SECRET_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, { error: 'must be 64 hex characters (32 bytes), e.g. from `openssl rand -hex 32`' })
    .optional(),
  TENANT_SEEDS: z
    .enum(['on', 'off'], { error: 'must be on or off' })
    .default('on')
    .transform((value) => value === 'on'),
  TENANT_SEEDS_DIR: z
    .string()
    .min(1)
    .default(DEFAULT_TENANT_SEEDS_DIR)
    .transform((dir) => path.resolve(dir)),
  TENANT_TEMPLATE: z
    .enum(['on', 'off'], { error: 'must be on or off' })
    .default('on')
    .transform((value) => value === 'on'),
  WARM_POOL_SIZE: integer(0, 100, 5),
  // provisioning
  PROVISION_ATTEMPTS: integer(1, 100, 5),
  PROVISION_BACKOFF_MS: integer(0, 3_600_000, 1000),
  RECONCILE_INTERVAL_MS: integer(100, 86_400_000, 30_000),
  WORKER_CONCURRENCY: integer(1, 100, 4),
  // http
  HTTP_REQUEST_TIMEOUT_MS: integer(1000, 3_600_000, 30_000),
  HTTP_CONNECTION_TIMEOUT_MS: integer(1000, 86_400_000, 60_000),
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2}|[0-9a-fA-F.:/]+(,[0-9a-fA-F.:/]+)*)$/, {
      error: 'must be true, false, a number of proxy hops, or a comma-separated list of proxy addresses/CIDRs',
    })
    .default('false')
    .transform(parseTrustProxy),
  // api
  PORT: integer(1, 65535, 3000),
  ADMIN_API_KEY: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
  CREATE_RATE_LIMIT: integer(0, 1_000_000, 60),
  AUTH_FAILURE_LIMIT: integer(0, 1_000_000, 10),
  SSE_MAX_STREAMS: integer(1, 1_000_000, 1000),
  SSE_MAX_SECONDS: integer(1, 86_400, 600),
  CONSOLE_SESSION_TTL_MINUTES: integer(1, 1440, 60),
  // worker
  WORKER_HEALTH_PORT: integer(1, 65535, 3001),
  // tenantRouting
  TENANT_RESOLVERS: z
    .string()
    .default(TENANT_RESOLVERS.join(','))
    .transform((list) => list.split(',').map((name) => name.trim()))
    .pipe(
      z
        .array(z.enum(TENANT_RESOLVERS, { error: `each must be one of ${TENANT_RESOLVERS.join(', ')}` }))
        .refine((names) => new Set(names).size === names.length, { error: 'must not name a resolver twice' }),
    ),
  TENANT_BASE_DOMAIN: z
    .string()
    .regex(/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, {
      error: 'must be a lower-case host name, e.g. example.com',
    })
    .optional(),
  TENANT_POOL_MAX: integer(1, 1000, 5),
  TENANT_POOL_IDLE_MS: integer(100, 3_600_000, 10_000),
  TENANT_POOLS_MAX: integer(1, 100_000, 100),
  TENANT_CONNECTIONS_MAX: integer(1, 100_000, 200),
  TENANT_CONNECTION_WAIT_MS: integer(0, 600_000, 2_000),
  TENANT_LOOKUP_CACHE_MS: integer(0, 600_000, 5_000),
  TENANT_JWT_SECRET: z.string().min(32, { error: 'must be at least 32 characters' }).optional(),
  TENANT_JWT_PUBLIC_KEY: z
    .string()
    .refine((pem) => pem.includes('-----BEGIN PUBLIC KEY-----'), { error: 'must be a PEM public key (SPKI)' })
    .optional(),
  // tenantApi
  TENANT_API_PORT: integer(1, 65535, 3002),
  // fleet
  FLEET_MIGRATION_CONCURRENCY: integer(1, 100, 4),
  TENANT_DELETE_RETENTION_DAYS: integer(0, 3650, 7),
  BACKUP_DIR: z
    .string()
    .min(1)
    .default('backups')
    .transform((dir) => path.resolve(dir)),
  // tracing
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
});

/** Every environment variable the services read. */
export const CONFIG_VARIABLES = Object.keys(environmentVariables.shape);

/** The environment, validated, then grouped by concern: each app and module reads only its groups. */
const configSchema = environmentVariables
  .superRefine((env, context) => {
    const redis = readRedisTopology(env);
    if ('problems' in redis) {
      for (const { variable, message } of redis.problems) context.addIssue({ code: 'custom', path: [variable], message });
    }
    if (env.TENANT_JWT_SECRET && env.TENANT_JWT_PUBLIC_KEY) {
      context.addIssue({
        code: 'custom',
        path: ['TENANT_JWT_PUBLIC_KEY'],
        message: 'set TENANT_JWT_SECRET or TENANT_JWT_PUBLIC_KEY, not both',
      });
    }
    if (env.NODE_ENV !== 'production') return;
    for (const variable of ['ADMIN_API_KEY', 'TENANT_SECRET_KEY'] as const) {
      const problem = productionKeyProblem(env[variable]);
      if (problem) context.addIssue({ code: 'custom', path: [variable], message: `${problem} when NODE_ENV=production` });
    }
    if (env.ADMIN_API_KEY && env.ADMIN_API_KEY.length < MIN_PRODUCTION_ADMIN_KEY_LENGTH) {
      context.addIssue({
        code: 'custom',
        path: ['ADMIN_API_KEY'],
        message: `must be at least ${MIN_PRODUCTION_ADMIN_KEY_LENGTH} characters when NODE_ENV=production`,
      });
    }
  })
  .transform((env) => ({
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    /** The registry of tenants. */
    master: {
      url: env.DATABASE_URL,
      /** How long start-up waits for another process migrating the master database. */
      migrationLockTimeoutMs: env.MASTER_MIGRATION_LOCK_TIMEOUT_MS,
    },
    /** The PostgreSQL server tenant databases live on: the master's unless TENANT_DATABASE_URL says otherwise. */
    tenantServer: {
      /** Its maintenance database (`postgres`); a tenant's own database is this URL with another name. */
      maintenanceUrl: withDatabase(env.TENANT_DATABASE_URL ?? env.DATABASE_URL, 'postgres'),
    },
    redis: redisSettings(env),
    tenants: {
      databasePrefix: env.TENANT_DB_PREFIX,
      /** `opaque`: tenant database and role names that reveal nothing of the customer's name. */
      databaseNaming: env.TENANT_DB_NAMING,
      /** CONNECTION LIMIT of every tenant role. */
      roleConnectionLimit: env.TENANT_CONNECTION_LIMIT,
      migrationsDir: env.TENANT_MIGRATIONS_DIR,
      /** Names no tenant database may take: PostgreSQL's own, the master's and the service's users. */
      reservedDatabaseNames: reservedDatabaseNames(env.DATABASE_URL, env.TENANT_DATABASE_URL),
      /** AES-256 key that encrypts tenant role passwords in the master database. */
      secretKey: env.TENANT_SECRET_KEY ? Buffer.from(env.TENANT_SECRET_KEY, 'hex') : DEVELOPMENT_SECRET_KEY,
      usingDevelopmentSecretKey: !env.TENANT_SECRET_KEY,
      /** Knex seed files run once per tenant after its migrations (TENANT_SEEDS=off: none). */
      seedsEnabled: env.TENANT_SEEDS,
      seedsDir: env.TENANT_SEEDS_DIR,
      templateEnabled: env.TENANT_TEMPLATE,
      warmPoolSize: env.WARM_POOL_SIZE,
    },
    provisioning: {
      attempts: env.PROVISION_ATTEMPTS,
      backoffMs: env.PROVISION_BACKOFF_MS,
      reconcileIntervalMs: env.RECONCILE_INTERVAL_MS,
      /** Jobs one worker runs at once; the connection pools of every process are sized from it. */
      workerConcurrency: env.WORKER_CONCURRENCY,
    },
    /** Both apps' HTTP servers (the worker's serves health only). */
    http: {
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
      connectionTimeoutMs: env.HTTP_CONNECTION_TIMEOUT_MS,
      /** Fastify's trustProxy: when to believe X-Forwarded-For for the client's address. */
      trustProxy: env.TRUST_PROXY,
    },
    api: {
      port: env.PORT,
      /** Unset outside production means the admin endpoints are open (start-up warns). */
      adminApiKey: env.ADMIN_API_KEY,
      /** POST /org/create requests per client per minute; 0 turns the limit off. */
      createRateLimit: env.CREATE_RATE_LIMIT,
      /** Failed authentications per client per minute before it gets 429; 0 turns the limit off. */
      authFailureLimit: env.AUTH_FAILURE_LIMIT,
      sseMaxStreams: env.SSE_MAX_STREAMS,
      sseMaxSeconds: env.SSE_MAX_SECONDS,
      /** How long an operator's console login lasts; changing ADMIN_API_KEY ends every session at once. */
      consoleSessionTtlMinutes: env.CONSOLE_SESSION_TTL_MINUTES,
    },
    worker: {
      healthPort: env.WORKER_HEALTH_PORT,
    },
    /** How a tenant app (libs/tenant-routing) finds a request's tenant and reaches its database. */
    tenantRouting: {
      resolvers: env.TENANT_RESOLVERS,
      /** Without it the subdomain resolver finds nothing. */
      baseDomain: env.TENANT_BASE_DOMAIN,
      /** Connections one tenant's pool may open. */
      poolMax: env.TENANT_POOL_MAX,
      poolIdleMs: env.TENANT_POOL_IDLE_MS,
      /** Tenant pools one process keeps open; the least recently used is drained and closed past it. */
      poolsMax: env.TENANT_POOLS_MAX,
      /** Connections all of a process's tenant pools may hold together. */
      connectionsMax: env.TENANT_CONNECTIONS_MAX,
      /** How long a request waits for a connection past that budget before it gets 503. */
      connectionWaitMs: env.TENANT_CONNECTION_WAIT_MS,
      /** How long a tenant looked up in master (found or not) is believed without asking again. */
      lookupCacheMs: env.TENANT_LOOKUP_CACHE_MS,
      jwt: { secret: env.TENANT_JWT_SECRET, publicKey: env.TENANT_JWT_PUBLIC_KEY },
    },
    tenantApi: {
      port: env.TENANT_API_PORT,
    },
    /** Operations over many tenants, and over one tenant's lifetime. */
    fleet: {
      /** Tenants of one PostgreSQL server that all workers together migrate at once in a rollout (its fleet queue's global concurrency). */
      migrationConcurrency: env.FLEET_MIGRATION_CONCURRENCY,
      /** Days a deleted tenant's data is kept before the worker purges it; 0 purges at once. */
      deleteRetentionDays: env.TENANT_DELETE_RETENTION_DAYS,
      /** Where pg_dump writes a tenant's backup before its database is dropped. */
      backupDir: env.BACKUP_DIR,
    },
    /** OpenTelemetry: off (nothing loaded) unless an OTLP endpoint is set. */
    tracing: {
      /** The collector's base URL; spans go to <endpoint>/v1/traces as OTLP over HTTP. */
      endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
      /** Unset: each app names itself (tenant-provisioning-api, -worker, -tenant-api). */
      serviceName: env.OTEL_SERVICE_NAME,
    },
  }));

export type AppConfig = z.output<typeof configSchema>;

export class InvalidConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'InvalidConfigError';
  }
}

type Environment = Record<string, string | undefined>;

/** Reads and validates every setting at once; throws one error naming each bad variable. */
export function loadConfig(environment: Environment): AppConfig {
  const present = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== ''));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    throw new InvalidConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  return parsed.data;
}

function reservedDatabaseNames(masterUrl: string, tenantServerUrl: string | undefined): string[] {
  const users = [masterUrl, tenantServerUrl ?? masterUrl].map((url) => decodeURIComponent(new URL(url).username));
  return [...new Set(['postgres', 'template0', 'template1', databaseOf(masterUrl), ...users])].filter(Boolean);
}

/** The redis group, made once the schema has checked the variables, so it meets no problem. */
function redisSettings(env: z.output<typeof environmentVariables>) {
  const redis = readRedisTopology(env);
  if ('problems' in redis) throw new Error('unreachable: the Redis variables were checked');
  return {
    topology: redis.topology,
    /** QUEUE_PREFIX: begins every key and channel of this deployment, so deployments can share a Redis. */
    prefix: env.QUEUE_PREFIX,
    /**
     * BullMQ's prefix. A Cluster runs a multi-key command only when all its keys hash to one slot,
     * and BullMQ's scripts touch many keys of a queue: there the prefix becomes a hash tag.
     */
    queuePrefix: redis.topology.mode === 'cluster' ? `{${env.QUEUE_PREFIX}}` : env.QUEUE_PREFIX,
  };
}

function parseTrustProxy(value: string): boolean | number | string[] {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value.split(',');
}

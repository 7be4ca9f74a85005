import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { z } from 'zod';
import { databaseOf, withDatabase } from '../postgres/connection-url';

const DEFAULT_TENANT_MIGRATIONS_DIR = path.resolve(__dirname, '../../../../migrations/tenant');

const integer = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: `must be a whole number from ${min} to ${max}` })
    .int({ error: `must be a whole number from ${min} to ${max}` })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` })
    .default(fallback);

const postgresUrl = z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' });

/** Used only outside production when TENANT_SECRET_KEY is unset; start-up warns about it. */
const DEVELOPMENT_SECRET_KEY = createHash('sha256').update('tenancy development key: not secret').digest();

const environmentSchema = z
  .object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  DATABASE_URL: postgresUrl
    .default('postgres://postgres@127.0.0.1:5432/master')
    .refine((url) => databaseOf(url) !== '', { error: 'must name the master database' }),
  TENANT_DATABASE_URL: postgresUrl.optional(),
  TENANT_MIGRATIONS_DIR: z.string().min(1).default(DEFAULT_TENANT_MIGRATIONS_DIR),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// URL' }).default('redis://127.0.0.1:6379'),
  PORT: integer(1, 65535, 3000),
  WORKER_HEALTH_PORT: integer(1, 65535, 3001),
  WORKER_CONCURRENCY: integer(1, 100, 4),
  PROVISION_ATTEMPTS: integer(1, 100, 5),
  PROVISION_BACKOFF_MS: integer(0, 3_600_000, 1000),
  RECONCILE_INTERVAL_MS: integer(100, 86_400_000, 30_000),
  TENANT_DB_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,29}$/, {
      error: 'must start with a lower-case letter and hold only a-z, 0-9 and _ (at most 30 characters)',
    })
    .default('tenant_'),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'must be 1 to 64 characters of A-Z, a-z, 0-9, _ or -' })
    .default('bull'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ADMIN_API_KEY: z.string().min(16, { error: 'must be at least 16 characters' }).optional(),
  CREATE_RATE_LIMIT: integer(0, 1_000_000, 60),
  TENANT_SECRET_KEY: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, { error: 'must be 64 hex characters (32 bytes), e.g. from `openssl rand -hex 32`' })
    .optional(),
  WARM_POOL_SIZE: integer(0, 100, 5),
  TENANT_TEMPLATE: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
})
  .superRefine((env, context) => {
    if (env.NODE_ENV !== 'production') return;
    for (const variable of ['ADMIN_API_KEY', 'TENANT_SECRET_KEY'] as const) {
      if (!env[variable]) context.addIssue({ code: 'custom', path: [variable], message: 'is required when NODE_ENV=production' });
    }
  });

/** Every environment variable the services read. */
export const CONFIG_VARIABLES = Object.keys(environmentSchema.shape);

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  masterDatabaseUrl: string;
  /** Maintenance connection (database `postgres`) of the server tenant databases live on. */
  tenantServerUrl: string;
  tenantMigrationsDir: string;
  redisUrl: string;
  apiPort: number;
  workerHealthPort: number;
  workerConcurrency: number;
  provisionAttempts: number;
  provisionBackoffMs: number;
  reconcileIntervalMs: number;
  tenantDbPrefix: string;
  queuePrefix: string;
  logLevel: z.infer<typeof environmentSchema>['LOG_LEVEL'];
  /** Unset outside production means the admin endpoints are open (start-up warns). */
  adminApiKey?: string;
  /** POST /org/create requests per client per minute; 0 turns the limit off. */
  createRateLimit: number;
  /** AES-256 key that encrypts tenant role passwords in the master database. */
  tenantSecretKey: Buffer;
  usingDevelopmentSecretKey: boolean;
  warmPoolSize: number;
  templateEnabled: boolean;
}

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
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    throw new InvalidConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const env = parsed.data;
  return {
    env: env.NODE_ENV,
    masterDatabaseUrl: env.DATABASE_URL,
    tenantServerUrl: withDatabase(env.TENANT_DATABASE_URL ?? env.DATABASE_URL, 'postgres'),
    tenantMigrationsDir: path.resolve(env.TENANT_MIGRATIONS_DIR),
    redisUrl: env.REDIS_URL,
    apiPort: env.PORT,
    workerHealthPort: env.WORKER_HEALTH_PORT,
    workerConcurrency: env.WORKER_CONCURRENCY,
    provisionAttempts: env.PROVISION_ATTEMPTS,
    provisionBackoffMs: env.PROVISION_BACKOFF_MS,
    reconcileIntervalMs: env.RECONCILE_INTERVAL_MS,
    tenantDbPrefix: env.TENANT_DB_PREFIX,
    queuePrefix: env.QUEUE_PREFIX,
    logLevel: env.LOG_LEVEL,
    adminApiKey: env.ADMIN_API_KEY,
    createRateLimit: env.CREATE_RATE_LIMIT,
    tenantSecretKey: env.TENANT_SECRET_KEY ? Buffer.from(env.TENANT_SECRET_KEY, 'hex') : DEVELOPMENT_SECRET_KEY,
    usingDevelopmentSecretKey: !env.TENANT_SECRET_KEY,
    warmPoolSize: env.WARM_POOL_SIZE,
    templateEnabled: env.TENANT_TEMPLATE === 'on',
  };
}

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BuildSnapshot } from '../test/support/processes/build-snapshot';
import { ServiceGroup } from '../test/support/processes/service-group';
import { ServiceProcess, ServiceSpec } from '../test/support/processes/service-process';
import type { BenchIdentity } from './resources';

export const ROOT = path.resolve(__dirname, '..');
const START_TIMEOUT_MS = 60_000;

/**
 * The services run from a private snapshot of the build. Its directory is also their working
 * directory: it has no `.env`, so a developer's settings stay out.
 */
const runDir = mkdtempSync(path.join(os.tmpdir(), 'bench-run-'));
const build = new BuildSnapshot(runDir);
const logDir = path.join(runDir, 'logs');
const services = new ServiceGroup();

export function snapshotBuild(): void {
  build.take();
  mkdirSync(logDir);
}

/** A path in the run directory (the build snapshot is its `dist/`); it goes with the run directory. */
export const inRunDir = (...parts: string[]) => path.join(runDir, ...parts);

export const removeRunDir = () => rmSync(runDir, { recursive: true, force: true });

/** Settings every spawned service gets; `extra` adds or (with undefined) leaves out variables. */
export function serviceEnv(id: BenchIdentity, extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: id.masterUrl,
    REDIS_URL: id.redisUrl,
    TENANT_DB_PREFIX: id.tenantDbPrefix,
    QUEUE_PREFIX: id.queuePrefix,
    ADMIN_API_KEY: id.adminApiKey,
    TENANT_SECRET_KEY: id.tenantSecretKey,
    CREATE_RATE_LIMIT: '0',
  };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

export function startApi(env: NodeJS.ProcessEnv, port: number): Promise<ServiceProcess> {
  return start({ name: 'api', args: [build.script('api')], env: { ...env, PORT: String(port) }, port });
}

export function startWorker(env: NodeJS.ProcessEnv, port: number, name = 'worker'): Promise<ServiceProcess> {
  return start({ name, args: [build.script('worker')], env: { ...env, WORKER_HEALTH_PORT: String(port) }, port });
}

/** tenant-api from the snapshot (BuildSnapshot names only the api and the worker; it copies all of dist/). */
export function startTenantApi(env: NodeJS.ProcessEnv, port: number): Promise<ServiceProcess> {
  const script = path.join(runDir, 'dist/apps/tenant-api/src/main.js');
  return start({ name: 'tenant-api', args: [script], env: { ...env, TENANT_API_PORT: String(port) }, port });
}

/** The bare app; `usersDatabaseUrl` turns on its GET /users/:id on one fixed pg pool. */
export function startBareApp(port: number, usersDatabaseUrl?: string): Promise<ServiceProcess> {
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    TS_NODE_TRANSPILE_ONLY: 'true',
    ...(usersDatabaseUrl ? { BARE_USERS_DATABASE_URL: usersDatabaseUrl } : {}),
  };
  const args = ['-r', 'ts-node/register', path.join(__dirname, 'bare-app.ts')];
  return start({ name: 'bare', args, env, port, cwd: ROOT, readyPaths: ['/bare'] });
}

async function start(spec: Omit<ServiceSpec, 'cwd' | 'logFile'> & { cwd?: string }): Promise<ServiceProcess> {
  const logFile = path.join(logDir, `${spec.name}.log`);
  const service = services.add(new ServiceProcess({ cwd: runDir, logFile, readyTimeoutMs: START_TIMEOUT_MS, ...spec }));
  await service.start();
  return service;
}

/** True once the run's final cleanup has begun. */
export const closing = () => services.closing;

export const stopAll = () => services.stopAll();

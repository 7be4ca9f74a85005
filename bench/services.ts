import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BenchIdentity } from './resources';
import { sleep } from './stats';

export const ROOT = path.resolve(__dirname, '..');
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * The services run from a private copy of dist/, so a rebuild in the work tree during the run
 * (`nest build` deletes dist/ first) cannot pull files from under them. Its directory is also
 * their working directory: it has no `.env`, so a developer's settings stay out.
 */
const runDir = mkdtempSync(path.join(os.tmpdir(), 'bench-run-'));
const API_MAIN = path.join(runDir, 'dist/apps/api/src/main.js');
const WORKER_MAIN = path.join(runDir, 'dist/apps/worker/src/main.js');

export function snapshotBuild(): void {
  cpSync(path.join(ROOT, 'dist'), path.join(runDir, 'dist'), { recursive: true });
  for (const file of [API_MAIN, WORKER_MAIN]) {
    if (!existsSync(file)) throw new Error(`${path.relative(runDir, file)} missing from the build: run npm run build`);
  }
}

export const removeRunDir = () => rmSync(runDir, { recursive: true, force: true });

export interface Service {
  name: string;
  url: string;
  process: ChildProcess;
  /** Last lines of stdout and stderr, for telling why something failed. */
  tail: string[];
}

const running = new Set<Service>();
/** Set once cleanup begins, so a measurement still in flight cannot start a process nobody stops. */
let closed = false;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Settings every spawned service gets; `extra` adds or (with undefined) leaves out variables. */
export function serviceEnv(id: BenchIdentity, extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    // The copy of dist/ has no node_modules above it.
    NODE_PATH: path.join(ROOT, 'node_modules'),
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

export function startApi(env: NodeJS.ProcessEnv, port: number): Promise<Service> {
  return start('api', [API_MAIN], { ...env, PORT: String(port) }, port, '/health');
}

export function startWorker(env: NodeJS.ProcessEnv, port: number, name = 'worker'): Promise<Service> {
  return start(name, [WORKER_MAIN], { ...env, WORKER_HEALTH_PORT: String(port) }, port, '/health');
}

export async function startBareApp(port: number): Promise<Service> {
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), TS_NODE_TRANSPILE_ONLY: 'true' };
  const args = ['-r', 'ts-node/register', path.join(__dirname, 'bare-app.ts')];
  return start('bare', args, env, port, '/bare', ROOT);
}

async function start(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  port: number,
  readyPath: string,
  cwd = runDir,
): Promise<Service> {
  if (closed) throw new Error(`not starting ${name}: the run is being cleaned up`);
  const child = spawn(process.execPath, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const service: Service = { name, url: `http://127.0.0.1:${port}`, process: child, tail: [] };
  running.add(service);
  const keep = (chunk: Buffer) => {
    service.tail.push(...String(chunk).split('\n').filter(Boolean));
    service.tail.splice(0, Math.max(0, service.tail.length - 40));
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  child.once('exit', () => running.delete(service));

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    try {
      const response = await fetch(service.url + readyPath, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (response.ok) return service;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  await stop(service);
  throw new Error(`${name} did not become ready:\n  ${service.tail.join('\n  ')}`);
}

export async function stop(service: Service): Promise<void> {
  const child = service.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** True once the run's final cleanup has begun. */
export const closing = () => closed;

export async function stopAll(): Promise<void> {
  closed = true;
  await Promise.all([...running].map(stop));
}

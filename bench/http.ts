import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../test/support/processes/free-port';
import { sleep } from '../test/support/processes/wait';
import type { BenchIdentity } from './resources';
import { startBareApp } from './services';
import { Stack } from './stack';
import { round } from './stats';

interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
const AUTOCANNON = path.join(__dirname, '..', 'node_modules', '.bin', 'autocannon');

/**
 * autocannon in a process of its own: run inside the bench's process it shares that event loop
 * with the runner, and was measured to cap the status route (larger answers) well below the
 * load the api sustains against the same client run as a separate process.
 */
async function autocannon(url: string, headers: Record<string, string>, duration: number): Promise<CannonResult> {
  const headerArgs = Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}=${value}`]);
  const args = ['--json', '-c', String(CONNECTIONS), '-d', String(duration), ...headerArgs, url];
  const { stdout } = await promisify(execFile)(AUTOCANNON, args, { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as CannonResult;
}

export interface LoadFigures {
  url: string;
  rps: number;
  p50_ms: number;
  p99_ms: number;
  requests: number;
  non2xx: number;
  errors: number;
}

export interface HttpResult {
  connections: number;
  duration_s: number;
  warmup_s: number;
  status: LoadFigures;
  bare: LoadFigures;
}

export const CONNECTIONS = 10;
// Long enough for V8 to optimise the hot path of the larger app too: steady state is what is compared.
export const WARMUP_S = 3;

async function load(url: string, headers: Record<string, string>, duration: number): Promise<LoadFigures> {
  await autocannon(url, headers, WARMUP_S);
  const result = await autocannon(url, headers, duration);
  return {
    url: url.replace(/\/org\/[^/]+/, '/org/:id'),
    rps: round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** GET /org/:id/status of a ready tenant (workers stopped), then the bare app, same load. */
export async function measureHttp(id: BenchIdentity, duration: number): Promise<HttpResult> {
  let status: LoadFigures;
  const stack = await Stack.start(id, 1, {});
  try {
    const { id: tenantId } = await stack.create('bench http');
    while ((await stack.status(tenantId)).status !== 'ready') await sleep(10);
    await Promise.all(stack.workers.map((worker) => worker.stop()));
    status = await load(`${stack.api.baseUrl}/org/${tenantId}/status`, { authorization: stack.authorization }, duration);
  } finally {
    await stack.stopAndReset();
  }
  const bareApp = await startBareApp(await freePort());
  try {
    const bare = await load(`${bareApp.baseUrl}/bare`, {}, duration);
    return { connections: CONNECTIONS, duration_s: duration, warmup_s: WARMUP_S, status, bare };
  } finally {
    await bareApp.stop();
  }
}

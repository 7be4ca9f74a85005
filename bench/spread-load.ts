import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CONNECTIONS, LoadFigures, WARMUP_S } from './http';
import type { LoadPlan, LoadTarget } from './load-client';
import { CpuPerRequest, cpuPerRequest, CpuSnapshot, cpuSnapshot } from './proc';
import { ROOT } from './services';
import { round } from './stats';

export interface SeriesFigures extends LoadFigures {
  cpu_per_request: CpuPerRequest;
}

/** Who to watch while loading: the app's process and the PostgreSQL cluster's postmaster. */
export interface Watched<T> {
  appPid: number;
  postmasterPid: number;
  /** Read just before and just after the timed part (the app's pool figures, say). */
  read?: () => Promise<T>;
}

interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

const LOAD_CLIENT = path.join(__dirname, 'load-client.ts');

interface Around {
  /** Called when the client has loaded and is told to start, and when its result arrives. */
  start?: () => void;
  end?: () => void;
}

/** Runs load-client.ts on a plan file: waits for its `ready`, starts it, and parses its result. */
function runClient(planFile: string, around: Around): Promise<CannonResult> {
  const env = { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' };
  const child = spawn(process.execPath, ['-r', 'ts-node/register', LOAD_CLIENT, planFile], {
    cwd: ROOT,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout === 'ready\n') {
        around.start?.();
        child.stdin.write('go\n');
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      around.end?.();
      const lines = stdout.trim().split('\n');
      if (code !== 0 || lines[0] !== 'ready' || lines.length < 2) {
        reject(new Error(`load client exited with ${code}: ${stderr || stdout}`));
        return;
      }
      resolve(JSON.parse(lines[1]!) as CannonResult);
    });
  });
}

/**
 * GET on `targets` (each request to one drawn at random) from load-client.ts in a process of its
 * own, with the HTTP series' connections: WARMUP_S unmeasured, then `duration` timed, with the
 * CPU the app, PostgreSQL and the whole machine (load client included) spent per request meanwhile.
 */
export async function spreadLoad<T>(
  origin: string,
  targets: LoadTarget[],
  duration: number,
  watched: Watched<T>,
): Promise<{ figures: SeriesFigures; readings?: [T, T] }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-load-'));
  try {
    const run = (seconds: number, around: Around = {}) => {
      const file = path.join(dir, `plan-${seconds}.json`);
      const plan: LoadPlan = { origin, connections: CONNECTIONS, duration_s: seconds, targets };
      writeFileSync(file, JSON.stringify(plan));
      return runClient(file, around);
    };
    await run(WARMUP_S);
    const before = await watched.read?.();
    let cpuBefore: CpuSnapshot | undefined;
    let cpuAfter: CpuSnapshot | undefined;
    const startedAt = performance.now();
    const result = await run(duration, {
      start: () => (cpuBefore = cpuSnapshot(watched.appPid, watched.postmasterPid)),
      end: () => (cpuAfter = cpuSnapshot(watched.appPid, watched.postmasterPid)),
    });
    const seconds = (performance.now() - startedAt) / 1000;
    const after = await watched.read?.();
    const figures: SeriesFigures = {
      url: `${origin}${targets.length > 1 ? `/users/:id (${targets.length} tenants, one drawn at random per request)` : targets[0]!.path}`,
      rps: round(result.requests.average),
      p50_ms: result.latency.p50,
      p99_ms: result.latency.p99,
      requests: result.requests.total,
      non2xx: result.non2xx,
      errors: result.errors + result.timeouts,
      cpu_per_request: cpuPerRequest(cpuBefore!, cpuAfter!, result.requests.total, Math.min(seconds, duration), os.cpus().length),
    };
    return { figures, readings: before !== undefined && after !== undefined ? [before, after] : undefined };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

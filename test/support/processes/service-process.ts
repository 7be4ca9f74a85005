import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, closeSync, openSync, readFileSync } from 'node:fs';
import { pollUntil } from './wait';

const READY_TIMEOUT_MS = 30_000;
const GRACEFUL_STOP_MS = 10_000;
const LOG_TAIL_LINES = 40;

export interface ServiceSpec {
  name: string;
  /** What `node` runs: a script, or options and a script (`-r ts-node/register app.ts`). */
  args: string[];
  env: NodeJS.ProcessEnv;
  /** The port the process serves HTTP on, at 127.0.0.1. */
  port: number;
  cwd: string;
  /** The process's output is appended here, between lines marking each start, signal and exit. */
  logFile: string;
  /** Paths that must answer 2xx, in turn, before the process counts as healthy. */
  readyPaths?: string[];
  readyTimeoutMs?: number;
}

/**
 * One node process serving HTTP (a built api or worker, say), started, checked and stopped the
 * way an operator or a crash would: health polling, SIGTERM, kill -9, SIGSTOP/SIGCONT.
 */
export class ServiceProcess {
  /** Exits nobody asked for, e.g. a crash when a connection drops. */
  readonly unexpectedExits: string[] = [];
  private child?: ChildProcess;
  private stopping = false;

  constructor(private readonly spec: ServiceSpec) {}

  get name(): string {
    return this.spec.name;
  }

  get logFile(): string {
    return this.spec.logFile;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.spec.port}`;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Spawns the process and waits until it is healthy; one that is not is stopped, and the error quotes its log. */
  async start(): Promise<void> {
    this.mark(`starting ${this.name}`);
    const log = openSync(this.logFile, 'a');
    const { args, cwd, env } = this.spec;
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', log, log] });
    closeSync(log);
    this.child = child;
    this.stopping = false;
    child.once('exit', (code, signal) => {
      const how = signal ?? `code ${code}`;
      this.mark(`${this.name} exited (${how})`);
      if (!this.stopping && this.child === child) this.unexpectedExits.push(`${this.name} exited by itself (${how})`);
    });
    const timeoutMs = this.spec.readyTimeoutMs ?? READY_TIMEOUT_MS;
    if (await this.waitHealthy(timeoutMs)) return;
    const what = this.running ? `was not ready within ${timeoutMs} ms` : 'exited during start-up';
    await this.stop();
    throw new Error(`${this.name} ${what} (log: ${this.logFile}):\n  ${this.logTail().join('\n  ')}`);
  }

  /**
   * Each ready path in turn; by default liveness, then readiness (/health: master database,
   * Redis and, for a worker, the BullMQ worker). False at once when the process is gone.
   */
  async waitHealthy(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (const path of this.spec.readyPaths ?? ['/health/live', '/health']) {
      const ok = await pollUntil(async () => {
        if (!this.running) return true;
        const response = await fetch(`${this.baseUrl}${path}`, { signal: AbortSignal.timeout(3_000) });
        await response.arrayBuffer();
        return response.ok;
      }, deadline - Date.now());
      if (!ok || !this.running) return false;
    }
    return true;
  }

  async kill9(): Promise<void> {
    this.mark(`kill -9 ${this.name}`);
    await this.signal('SIGKILL');
  }

  /** SIGTERM, then SIGKILL when the process has not exited after a grace period. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGCONT');
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), GRACEFUL_STOP_MS)));
    const inTime = await Promise.race([this.signal('SIGTERM').then(() => true), gaveUp]);
    clearTimeout(timer);
    if (!inTime) {
      this.mark(`${this.name} ignored SIGTERM for ${GRACEFUL_STOP_MS} ms; kill -9`);
      this.unexpectedExits.push(`${this.name} did not exit within ${GRACEFUL_STOP_MS} ms of SIGTERM`);
      await this.signal('SIGKILL');
    }
  }

  /** SIGSTOP: the process keeps its connections but does nothing until `thaw()`. */
  freeze(): void {
    this.mark(`SIGSTOP ${this.name}`);
    this.child?.kill('SIGSTOP');
  }

  thaw(): void {
    this.mark(`SIGCONT ${this.name}`);
    this.child?.kill('SIGCONT');
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.stopping = true;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }

  private logTail(): string[] {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').filter(Boolean).slice(-LOG_TAIL_LINES);
    } catch {
      return []; // the log directory is already gone during final cleanup
    }
  }

  private mark(message: string): void {
    try {
      appendFileSync(this.logFile, `=== ${new Date().toISOString()} ${message}\n`);
    } catch {
      // the log directory is already gone during final cleanup
    }
  }
}

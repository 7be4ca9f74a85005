import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { appendFileSync, closeSync, openSync } from 'node:fs';
import { pollUntil } from './wait';

const READY_TIMEOUT_MS = 30_000;
const GRACEFUL_STOP_MS = 10_000;

/** One api or worker process (`node dist/.../main.js`), its output appended to `logFile`. */
export class ServiceProcess {
  /** Exits nobody asked for, e.g. a crash when a connection drops. */
  readonly unexpectedExits: string[] = [];
  private child?: ChildProcess;
  private stopping = false;

  constructor(
    readonly name: string,
    private readonly script: string,
    private readonly env: NodeJS.ProcessEnv,
    readonly port: number,
    readonly logFile: string,
    private readonly cwd: string,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    this.mark(`starting ${this.name}`);
    const log = openSync(this.logFile, 'a');
    const child = spawn(process.execPath, [this.script], { cwd: this.cwd, env: this.env, stdio: ['ignore', log, log] });
    closeSync(log);
    this.child = child;
    this.stopping = false;
    child.once('exit', (code, signal) => {
      const how = signal ?? `code ${code}`;
      this.mark(`${this.name} exited (${how})`);
      if (!this.stopping && this.child === child) this.unexpectedExits.push(`${this.name} exited by itself (${how})`);
    });
    if (!(await this.waitHealthy(READY_TIMEOUT_MS))) {
      const what = this.running ? `was not ready within ${READY_TIMEOUT_MS} ms` : 'exited during start-up';
      throw new Error(`${this.name} ${what} (log: ${this.logFile})`);
    }
  }

  /**
   * Liveness first, then readiness (/health: master database, Redis and, for a worker, the
   * BullMQ worker). False at once when the process is gone.
   */
  async waitHealthy(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (const path of ['/health/live', '/health']) {
      const ok = await pollUntil(async () => {
        if (!this.running) return true;
        return (await fetch(`${this.baseUrl}${path}`, { signal: AbortSignal.timeout(3_000) })).ok;
      }, deadline - Date.now());
      if (!ok || !this.running) return false;
    }
    return true;
  }

  async kill9(): Promise<void> {
    this.mark(`chaos: kill -9 ${this.name}`);
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
      this.mark(`chaos: ${this.name} ignored SIGTERM for ${GRACEFUL_STOP_MS} ms; kill -9`);
      this.unexpectedExits.push(`${this.name} did not exit within ${GRACEFUL_STOP_MS} ms of SIGTERM`);
      await this.signal('SIGKILL');
    }
  }

  /** SIGSTOP: the process keeps its connections but does nothing until `thaw()`. */
  freeze(): void {
    this.mark(`chaos: SIGSTOP ${this.name}`);
    this.child?.kill('SIGSTOP');
  }

  thaw(): void {
    this.mark(`chaos: SIGCONT ${this.name}`);
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

  private mark(message: string): void {
    try {
      appendFileSync(this.logFile, `=== ${new Date().toISOString()} ${message}\n`);
    } catch {
      // the log directory is already gone during final cleanup
    }
  }
}

import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import IORedis from 'ioredis';
import { pollUntil, sleep } from '../../support/processes/wait';

/** A redis-server child without persistence: a restart comes back empty. */
export class PrivateRedis {
  private child?: ChildProcess;

  constructor(
    readonly port: number,
    private readonly logFile: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const log = openSync(this.logFile, 'a');
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    this.child = spawn('redis-server', args, { stdio: ['ignore', log, log] });
    closeSync(log);
    if (!(await pollUntil(() => this.ping(), 10_000, 50))) throw new Error(`redis did not start (log: ${this.logFile})`);
  }

  async kill9(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  /** Killed and started again on the same port, empty. */
  async restart(downtimeMs = 0): Promise<void> {
    await this.kill9();
    await sleep(downtimeMs);
    await this.start();
  }

  async flushAll(): Promise<void> {
    await this.withClient((client) => client.flushall());
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }

  private async ping(): Promise<boolean> {
    return (await this.withClient((client) => client.ping())) === 'PONG';
  }

  private async withClient<T>(work: (client: IORedis) => Promise<T>): Promise<T> {
    const client = new IORedis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined); // failures surface through the rejected commands
    try {
      await client.connect();
      return await work(client);
    } finally {
      client.disconnect();
    }
  }
}

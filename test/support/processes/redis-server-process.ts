import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import * as path from 'node:path';
import IORedis from 'ioredis';
import { pollUntil } from './wait';

/** One redis-server (or sentinel) child on a loopback port, working in `dir`, without persistence. */
export class RedisServerProcess {
  private constructor(
    readonly port: number,
    private readonly child: ChildProcess,
  ) {}

  /** `args` come after the port and working directory: e.g. `['--cluster-enabled', 'yes']`, or a config file first. */
  static async start(port: number, dir: string, args: string[] = []): Promise<RedisServerProcess> {
    const log = openSync(path.join(dir, `redis-${port}.log`), 'a');
    const base = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'];
    // A config file, when given, must come first on redis-server's command line.
    const [first, ...rest] = args;
    const argv = first && !first.startsWith('--') ? [first, ...base, ...rest] : [...base, ...args];
    const child = spawn('redis-server', argv, { stdio: ['ignore', log, log] });
    closeSync(log);
    const server = new RedisServerProcess(port, child);
    if (!(await pollUntil(() => server.answers(), 10_000, 50))) {
      await server.kill();
      throw new Error(`redis-server on ${port} did not start (log in ${dir})`);
    }
    return server;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** SIGKILL, as a crashed machine would go. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGKILL');
    await exited;
  }

  /** Runs one command on this server alone. */
  async command(...args: (string | number)[]): Promise<unknown> {
    const client = new IORedis(this.port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined); // failures surface through the rejected command
    try {
      await client.connect();
      return await client.call(String(args[0]), ...args.slice(1).map(String));
    } finally {
      client.disconnect();
    }
  }

  private async answers(): Promise<boolean> {
    return (await this.command('PING')) === 'PONG';
  }
}

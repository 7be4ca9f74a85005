import { execFile, execFileSync } from 'node:child_process';
import { chownSync, closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { pollUntil, sleep } from './wait';

const BIN = '/usr/lib/postgresql/15/bin';
const run = promisify(execFile);

export type StopMode = 'fast' | 'immediate';

/**
 * A throwaway PostgreSQL 15 cluster on 127.0.0.1:<port> with trust auth. PostgreSQL refuses to
 * run as root, so every server command runs as the `postgres` user inside a directory it owns.
 */
export class PrivatePostgres {
  readonly dataDir: string;
  readonly logFile: string;

  constructor(
    private readonly dir: string,
    readonly port: number,
  ) {
    this.dataDir = path.join(dir, 'data');
    this.logFile = path.join(dir, 'postgres.log');
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async init(): Promise<void> {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    mkdirSync(this.dir, { mode: 0o700 });
    chownSync(this.dir, uid, gid);
    closeSync(openSync(this.logFile, 'a'));
    chownSync(this.logFile, uid, gid);
    await this.asPostgres('initdb', ['-D', this.dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C']);
  }

  /** Starts the server and waits until it accepts connections; retries while a killed predecessor lingers. */
  async start(): Promise<void> {
    const options = `-c listen_addresses=127.0.0.1 -p ${this.port} -k ${this.dir}`;
    const args = ['start', '-D', this.dataDir, '-l', this.logFile, '-w', '-t', '30', '-o', options];
    for (let attempt = 1; ; attempt++) {
      try {
        await this.asPostgres('pg_ctl', args);
        return;
      } catch (error) {
        if (attempt >= 10) throw error;
        await sleep(500);
      }
    }
  }

  async stop(mode: StopMode = 'fast'): Promise<void> {
    await this.asPostgres('pg_ctl', ['stop', '-D', this.dataDir, '-m', mode, '-w', '-t', '30']);
  }

  /** Like `pg_ctl restart -m <mode>`, with an optional pause while the server is down. */
  async restart(mode: StopMode, downtimeMs = 0): Promise<void> {
    await this.stop(mode);
    await sleep(downtimeMs);
    await this.start();
  }

  /** SIGKILL to the postmaster, as the OOM killer would; its backends exit once they notice. */
  async kill9(): Promise<void> {
    const pid = this.postmasterPid();
    if (pid === undefined) return;
    process.kill(pid, 'SIGKILL');
    await pollUntil(async () => !isAlive(pid), 10_000, 50);
  }

  /** Synchronous last resort for process exit handlers. */
  stopNowSync(): void {
    try {
      execFileSync('runuser', ['-u', 'postgres', '--', path.join(BIN, 'pg_ctl'), 'stop', '-D', this.dataDir, '-m', 'immediate'], {
        stdio: 'ignore',
      });
    } catch {
      // not running
    }
  }

  async query<T = Record<string, unknown>>(database: string, sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.url(database), connectionTimeoutMillis: 5_000 });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  private postmasterPid(): number | undefined {
    try {
      return Number(readFileSync(path.join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return undefined;
    }
  }

  private async asPostgres(tool: string, args: string[]): Promise<void> {
    try {
      await run('runuser', ['-u', 'postgres', '--', path.join(BIN, tool), ...args], { cwd: this.dir });
    } catch (error) {
      const { stderr } = error as { stderr?: string };
      throw new Error(`${tool} ${args[0]} failed: ${stderr || (error as Error).message} (log: ${this.logFile})`);
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

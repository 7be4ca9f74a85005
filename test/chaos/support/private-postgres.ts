import { execFile, execFileSync, spawn } from 'node:child_process';
import { chownSync, closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { pollUntil, sleep } from '../../support/processes/wait';
import { postgresBinDir } from './postgres-bin-dir';

const run = promisify(execFile);

export type StopMode = 'fast' | 'immediate';

/**
 * A throwaway PostgreSQL cluster on 127.0.0.1:<port> with trust auth. PostgreSQL refuses to
 * run as root, so every server command runs as the `postgres` user inside a directory it owns.
 */
export class PrivatePostgres {
  readonly dataDir: string;
  readonly logFile: string;
  /** Found when the lab starts, so a machine without the server programs fails at once, saying why. */
  private readonly bin = postgresBinDir();

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
    await this.asPostgres('initdb', ['-D', this.dataDir, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C']);
  }

  /**
   * Runs `postgres` as a child (through runuser), not `pg_ctl start`, whose setsid would let the
   * server outlive an interrupted run; a Ctrl-C reaches it with the rest of the process group.
   * Retries while a killed predecessor's backends linger.
   */
  async start(): Promise<void> {
    // Every role and database statement is logged, so the suite can prove no password reaches the log.
    const args = [
      '-D',
      this.dataDir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'log_statement=ddl',
      '-p',
      String(this.port),
      '-k',
      this.dir,
    ];
    for (let attempt = 1; ; attempt++) {
      const log = openSync(this.logFile, 'a');
      const server = spawn('runuser', ['-u', 'postgres', '--', path.join(this.bin, 'postgres'), ...args], {
        stdio: ['ignore', log, log],
      });
      closeSync(log);
      const exited = () => server.exitCode !== null || server.signalCode !== null;
      // Crash recovery after kill -9 or an immediate stop fsyncs the whole data directory first.
      const ready = await pollUntil(async () => exited() || (await this.query('postgres', 'SELECT 1'), true), 60_000);
      if (!exited()) {
        if (ready) return;
        server.kill('SIGKILL');
        throw new Error(`postgres did not accept connections within 60 s (log: ${this.logFile})`);
      }
      if (attempt >= 10) throw new Error(`postgres did not start (log: ${this.logFile})`);
      await sleep(500);
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

  async query<T = Record<string, unknown>>(database: string, sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.url(database), connectionTimeoutMillis: 5_000 });
    client.on('error', () => undefined); // a server going away mid-query rejects the query; this event would crash jest
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
      await run('runuser', ['-u', 'postgres', '--', path.join(this.bin, tool), ...args], { cwd: this.dir });
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

import { ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Injectable } from '@nestjs/common';

/** A login for pg_dump or pg_restore: a URL without a password, and the password, which travels apart. */
export interface ArchiveLogin {
  url: string;
  password: string;
}

const MAX_ERROR_TEXT = 1500;
/**
 * Custom format, uncompressed: compression is what a piped copy spends its time on (measured here,
 * 107 MB of random text: 4.5 s with pg_dump's default compression, 1.8 s at level 1, 0.6-1.0 s without).
 */
const COPY_DUMP_OPTIONS = ['--format=custom', '--compress=0'];
/** A tenant's own locks must not hold a dump up for ever. */
const LOCK_WAIT_TIMEOUT = '60s';

/**
 * Runs PostgreSQL's pg_dump and pg_restore (found on PATH; of the server's major version or
 * newer). The password never appears on a command line, where `ps` would show it: it goes into
 * a passfile of the process's own (mode 0600, removed afterwards), named in the connection string.
 */
@Injectable()
export class PgArchiveTool {
  /** A custom-format archive of the whole database, written to `file`. */
  async dump(login: ArchiveLogin, file: string): Promise<void> {
    await this.withPassfile(login, (dbname) =>
      run('pg_dump', ['--format=custom', `--lock-wait-timeout=${LOCK_WAIT_TIMEOUT}`, `--file=${file}`, `--dbname=${dbname}`]),
    );
  }

  /**
   * Loads an archive into an empty database in one transaction (all or nothing), everything
   * owned by whoever logs in: owners and grants recorded in the archive are left out.
   */
  async restore(login: ArchiveLogin, file: string): Promise<void> {
    await this.withPassfile(login, (dbname) =>
      run('pg_restore', ['--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', `--dbname=${dbname}`, file]),
    );
  }

  /**
   * Copies a database into an empty one with no file in between: pg_dump's custom-format output
   * piped into pg_restore (as `restore` loads it: one transaction, owners and grants left out).
   * Each side logs in with its own login; the dump fails fast on a tenant's lock, as `dump` does.
   */
  async copy(from: ArchiveLogin, to: ArchiveLogin): Promise<void> {
    await this.withPassfile(from, (source) =>
      this.withPassfile(to, async (target) => {
        const dump = start(
          'pg_dump',
          [...COPY_DUMP_OPTIONS, `--lock-wait-timeout=${LOCK_WAIT_TIMEOUT}`, `--dbname=${source}`],
          'out',
        );
        const load = start(
          'pg_restore',
          ['--no-owner', '--no-privileges', '--single-transaction', '--exit-on-error', `--dbname=${target}`],
          'in',
        );
        // A pg_restore that stopped early (its server gone, say) stops the pipe. Its end is closed
        // here too, or pg_dump would wait for ever to write: pg_dump then fails on it, and says less.
        load.child.stdin!.on('error', () => undefined);
        load.child.once('exit', () => dump.child.stdout!.destroy());
        dump.child.stdout!.pipe(load.child.stdin!);
        const [dumped, loaded] = await Promise.allSettled([dump.done, load.done]);
        const failures = [loaded, dumped]
          .filter((outcome) => outcome.status === 'rejected')
          .map((outcome) => outcome.reason as Error);
        if (failures.length) throw new Error(failures.map((failure) => failure.message).join('; '));
      }),
    );
  }

  /** Reads the archive's table of contents: fails unless pg_restore can read the file as an archive. */
  async list(file: string): Promise<void> {
    await run('pg_restore', ['--list', file]);
  }

  private async withPassfile(login: ArchiveLogin, work: (dbname: string) => Promise<void>): Promise<void> {
    const dir = await mkdtemp(path.join(tmpdir(), 'tenancy-pg-'));
    try {
      const passfile = path.join(dir, 'pgpass');
      // libpq ignores a passfile others may read; `\` and `:` are escaped in its fields.
      await writeFile(passfile, `*:*:*:*:${login.password.replace(/[\\:]/g, '\\$&')}\n`, { mode: 0o600 });
      const url = new URL(login.url);
      url.password = '';
      url.searchParams.set('passfile', passfile);
      await work(url.toString());
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

function run(program: string, args: string[]): Promise<void> {
  return start(program, args).done;
}

/** The program started, its stdin (`in`) or stdout (`out`) a pipe for the caller; `done` settles when it exits. */
function start(program: string, args: string[], pipe?: 'in' | 'out'): { child: ChildProcess; done: Promise<void> } {
  const child = spawn(program, args, { stdio: [pipe === 'in' ? 'pipe' : 'ignore', pipe === 'out' ? 'pipe' : 'ignore', 'pipe'] });
  const done = new Promise<void>((resolve, reject) => {
    let stderr = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-MAX_ERROR_TEXT)));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error(`${program} not found on PATH: install PostgreSQL's client programs`) : error),
    );
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${program} failed (${signal ?? `exit ${code}`}): ${stderr.trim() || 'no message'}`));
    });
  });
  return { child, done };
}

import { spawn } from 'node:child_process';
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
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-MAX_ERROR_TEXT)));
    child.on('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error(`${program} not found on PATH: install PostgreSQL's client programs`) : error),
    );
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${program} failed (${signal ?? `exit ${code}`}): ${stderr.trim() || 'no message'}`));
    });
  });
}

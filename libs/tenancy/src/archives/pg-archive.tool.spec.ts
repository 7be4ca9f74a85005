import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PgArchiveTool } from './pg-archive.tool';

/** Stand-ins for pg_dump and pg_restore: shell scripts, so the pipe between them is real. */
const mockBin = mkdtempSync(path.join(tmpdir(), 'pg-archive-spec-'));

// Jest gives tests a copy of the environment that child processes never see: a PATH set here would not reach them.
jest.mock('node:child_process', () => {
  const actual = jest.requireActual<typeof import('node:child_process')>('node:child_process');
  return { ...actual, spawn: (program: string, ...rest: [string[], object]) => actual.spawn(path.join(mockBin, program), ...rest) };
});

const login = (database: string) => ({ url: `postgres://tenant@127.0.0.1:5432/${database}`, password: 'secret' });

function program(name: string, script: string): void {
  writeFileSync(path.join(mockBin, name), `#!/bin/sh\n${script}\n`);
  chmodSync(path.join(mockBin, name), 0o755);
}

describe('PgArchiveTool.copy', () => {
  afterAll(() => rmSync(mockBin, { recursive: true, force: true }));

  it('copies when both sides succeed', async () => {
    program('pg_dump', 'head -c 1000000 /dev/zero');
    program('pg_restore', 'cat > /dev/null');
    await expect(new PgArchiveTool().copy(login('a'), login('b'))).resolves.toBeUndefined();
  });

  // Found by test/chaos/tenant-move.chaos-spec.ts M4: a target stopped mid-copy left the move waiting for ever.
  it('fails, and does not hang, when pg_restore stops early while pg_dump still has output', async () => {
    program('pg_dump', 'exec cat /dev/zero');
    program('pg_restore', 'head -c 100000 > /dev/null; echo "pg_restore: error: connection to server lost" >&2; exit 1');
    await expect(new PgArchiveTool().copy(login('a'), login('b'))).rejects.toThrow(
      /^pg_restore failed \(exit 1\): pg_restore: error: connection to server lost; pg_dump failed/,
    );
  }, 10_000);
});

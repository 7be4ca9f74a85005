import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Knex } from 'knex';
import { MigrationLoadError } from './migration-load.error';

const MIGRATION_FILE = /^(?!.*\.d\.ts$).+\.(js|ts)$/;

/** The migration files as one read of the directory found them, and where a database with all of them stands. */
export interface MigrationSnapshot {
  files: string[];
  version: { migration: string | null; fingerprint: string };
}

/**
 * Knex's default source records `name.ts` when run from source and `name.js` when run from the
 * build, so one database touched by both would look corrupt. This one records names without
 * the extension, the same either way.
 */
export class DirectoryMigrationSource implements Knex.MigrationSource<string> {
  constructor(readonly directory: string) {}

  async getMigrations(): Promise<string[]> {
    const files = (await readdir(this.directory)).filter((file) => MIGRATION_FILE.test(file)).sort();
    const byName = new Map(files.map((file) => [this.getMigrationName(file), file]));
    return [...byName.values()];
  }

  /**
   * A hash of every migration's name and content; with `only`, of the migrations so named alone,
   * which is the whole directory's fingerprint as it was when it held just those.
   */
  async fingerprint(only?: ReadonlySet<string>): Promise<string> {
    const files = await this.getMigrations();
    return this.fingerprintOf(only ? files.filter((file) => only.has(this.getMigrationName(file))) : files);
  }

  /** The last migration and the fingerprint of them all: where a database with every one of them stands. */
  async version(): Promise<{ migration: string | null; fingerprint: string }> {
    return (await this.snapshot()).version;
  }

  /** The files and their version from one read of the directory. */
  async snapshot(): Promise<MigrationSnapshot> {
    const files = await this.getMigrations();
    const last = files.at(-1);
    return {
      files,
      version: { migration: last === undefined ? null : this.getMigrationName(last), fingerprint: await this.fingerprintOf(files) },
    };
  }

  getMigrationName(file: string): string {
    return file.replace(/\.(js|ts)$/, '');
  }

  /** A file that cannot be loaded (a syntax error, TypeScript without a loader) throws MigrationLoadError. */
  getMigration(file: string): Promise<Knex.Migration> {
    const filePath = path.join(this.directory, file);
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a migration file is loaded by its path at run time
      return Promise.resolve(require(filePath) as Knex.Migration);
    } catch (error) {
      return Promise.reject(new MigrationLoadError(filePath, error));
    }
  }

  private async fingerprintOf(files: string[]): Promise<string> {
    const hash = createHash('sha256');
    for (const file of files) {
      hash
        .update(this.getMigrationName(file))
        .update('\0')
        .update(await readFile(path.join(this.directory, file)))
        .update('\0');
    }
    return hash.digest('hex');
  }
}

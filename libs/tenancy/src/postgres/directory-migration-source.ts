import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Knex } from 'knex';
import { MigrationLoadError } from './migration-load.error';

const MIGRATION_FILE = /^(?!.*\.d\.ts$).+\.(js|ts)$/;

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
    const hash = createHash('sha256');
    for (const file of await this.getMigrations()) {
      const name = this.getMigrationName(file);
      if (only && !only.has(name)) continue;
      hash
        .update(name)
        .update('\0')
        .update(await readFile(path.join(this.directory, file)))
        .update('\0');
    }
    return hash.digest('hex');
  }

  /** The last migration and the fingerprint of them all: where a database with every one of them stands. */
  async version(): Promise<{ migration: string | null; fingerprint: string }> {
    const [files, fingerprint] = await Promise.all([this.getMigrations(), this.fingerprint()]);
    const last = files.at(-1);
    return { migration: last === undefined ? null : this.getMigrationName(last), fingerprint };
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
}

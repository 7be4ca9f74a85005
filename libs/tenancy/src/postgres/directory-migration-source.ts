import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Knex } from 'knex';

const MIGRATION_FILE = /^(?!.*\.d\.ts$).+\.(js|ts)$/;

/**
 * Knex's default source records `name.ts` when run from source and `name.js` when run from the
 * build, so one database touched by both would look corrupt. This one records names without
 * the extension, the same either way.
 */
export class DirectoryMigrationSource implements Knex.MigrationSource<string> {
  constructor(private readonly directory: string) {}

  async getMigrations(): Promise<string[]> {
    const files = (await readdir(this.directory)).filter((file) => MIGRATION_FILE.test(file)).sort();
    const byName = new Map(files.map((file) => [this.getMigrationName(file), file]));
    return [...byName.values()];
  }

  /** A hash of every migration's name and content. */
  async fingerprint(): Promise<string> {
    const hash = createHash('sha256');
    for (const file of await this.getMigrations()) {
      hash
        .update(this.getMigrationName(file))
        .update('\0')
        .update(await readFile(path.join(this.directory, file)))
        .update('\0');
    }
    return hash.digest('hex');
  }

  getMigrationName(file: string): string {
    return file.replace(/\.(js|ts)$/, '');
  }

  getMigration(file: string): Promise<Knex.Migration> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a migration file is loaded by its path at run time
    return Promise.resolve(require(path.join(this.directory, file)) as Knex.Migration);
  }
}

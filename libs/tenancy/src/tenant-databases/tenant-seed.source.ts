import type { Knex } from 'knex';
import { DirectoryMigrationSource } from '../postgres/directory-migration-source';

/** What a Knex seed file exports. */
export type SeedFunction = (knex: Knex) => Promise<void>;

/**
 * The tenant seed files, listed, named, fingerprinted and loaded exactly as the tenant migrations
 * are (recorded without their extension, so the build's `.js` and the source's `.ts` agree). A
 * missing directory holds no seeds: the build compiles only code, so a seeds folder holding only
 * its README has no counterpart in dist.
 */
export class TenantSeedSource extends DirectoryMigrationSource {
  override async getMigrations(): Promise<string[]> {
    try {
      return await super.getMigrations();
    } catch (error) {
      if ((error as { code?: string }).code === 'ENOENT') return [];
      throw error;
    }
  }

  /** The `seed(knex)` function a file exports. */
  async loadSeed(file: string): Promise<SeedFunction> {
    const exported = (await this.getMigration(file)) as unknown as { seed?: unknown };
    if (typeof exported.seed !== 'function') throw new Error(`tenant seed file ${file} exports no seed(knex) function`);
    return exported.seed as SeedFunction;
  }
}

import * as path from 'node:path';
import type { AppConfig } from '../config/app-config';
import { DirectoryMigrationSource } from '../postgres/directory-migration-source';
import { isUncompiledTypeScript, MigrationLoadError } from '../postgres/migration-load.error';
import { TenantSeedSource } from './tenant-seed.source';

/** Where the build puts the compiled tenant migrations (dist/migrations/tenant when this file runs from dist/). */
const COMPILED_MIGRATIONS_DIR = path.resolve(__dirname, '../../../../migrations/tenant');

/** A worker that cannot load a tenant migration or seed file: it refuses to start rather than fail tenants with it. */
export class TenantFilesUnloadableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TenantFilesUnloadableError';
  }
}

interface FileSet {
  variable: 'TENANT_MIGRATIONS_DIR' | 'TENANT_SEEDS_DIR';
  what: 'migrations' | 'seeds';
  source: DirectoryMigrationSource;
  /** The function each file must export. */
  entry: 'up' | 'seed';
}

/**
 * Loads every tenant migration (and seed, when seeds run) once, as a worker starts. A file it
 * cannot load would otherwise fail every tenant it meets, each after all its attempts; this
 * stops the process at once with what to do instead.
 */
export async function assertTenantFilesLoad(config: Pick<AppConfig, 'tenants'>): Promise<void> {
  const sets: FileSet[] = [
    {
      variable: 'TENANT_MIGRATIONS_DIR',
      what: 'migrations',
      source: new DirectoryMigrationSource(config.tenants.migrationsDir),
      entry: 'up',
    },
  ];
  if (config.tenants.seedsEnabled) {
    sets.push({ variable: 'TENANT_SEEDS_DIR', what: 'seeds', source: new TenantSeedSource(config.tenants.seedsDir), entry: 'seed' });
  }
  const problems: string[] = [];
  for (const set of sets) problems.push(...(await problemsIn(set)));
  if (problems.length) throw new TenantFilesUnloadableError(problems.join('\n'));
}

async function problemsIn({ variable, what, source, entry }: FileSet): Promise<string[]> {
  const where = `${variable} (${source.directory})`;
  let files: string[];
  try {
    files = await source.getMigrations();
  } catch (error) {
    return [`${where} cannot be read: ${(error as Error).message}`];
  }
  const typeScript: string[] = [];
  const broken: string[] = [];
  for (const file of files) {
    try {
      const exported = (await source.getMigration(file)) as unknown as Record<string, unknown>;
      if (typeof exported[entry] !== 'function') broken.push(`${file} exports no ${entry}(knex) function`);
    } catch (error) {
      const cause = error instanceof MigrationLoadError ? error.cause : error;
      if (isUncompiledTypeScript(file, cause)) typeScript.push(file);
      else broken.push(`${file}: ${(cause as Error | undefined)?.message ?? String(cause)}`);
    }
  }
  const problems: string[] = [];
  if (typeScript.length) {
    problems.push(
      `${where} holds TypeScript ${what} the built worker cannot load (${typeScript.join(', ')}): run \`npm run build\` ` +
        `(it compiles ${what}/ into dist/${what}/) and point ${variable} at the compiled folder` +
        (what === 'migrations' ? ` (unset, it is ${COMPILED_MIGRATIONS_DIR})` : '') +
        ', or compile them to .js yourself',
    );
  }
  if (broken.length) {
    problems.push(
      `${where} holds ${what} that cannot be loaded; fix or remove them, nothing runs until every one loads:\n  ${broken.join('\n  ')}`,
    );
  }
  return problems;
}

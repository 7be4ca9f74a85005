import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

const SERVER_PROGRAMS = ['initdb', 'postgres', 'pg_ctl'];
/** Where Debian and Ubuntu install each major version's server programs, off PATH. */
const DEBIAN_ROOT = '/usr/lib/postgresql';

const hasServer = (dir: string) => SERVER_PROGRAMS.every((program) => existsSync(path.join(dir, program)));

/**
 * The directory holding PostgreSQL's server programs (initdb, postgres, pg_ctl). PG_BIN_DIR
 * overrides the search (e.g. `PG_BIN_DIR=/usr/lib/postgresql/16/bin npm run test:chaos`);
 * otherwise `pg_config --bindir` when pg_config is installed and its directory has them, else
 * the newest /usr/lib/postgresql/<version>/bin that has them.
 */
export function postgresBinDir(): string {
  if (process.env.PG_BIN_DIR) {
    const override = path.resolve(process.env.PG_BIN_DIR);
    if (hasServer(override)) return override;
    throw new Error(`PG_BIN_DIR=${override} lacks one of ${SERVER_PROGRAMS.join(', ')}`);
  }
  const found = [pgConfigBinDir(), ...debianBinDirs()].find((dir) => dir !== undefined && hasServer(dir));
  if (found) return found;
  throw new Error(
    `PostgreSQL's server programs (${SERVER_PROGRAMS.join(', ')}) not found by pg_config or under ${DEBIAN_ROOT}/*/bin: ` +
      'install them (Debian/Ubuntu: `apt-get install postgresql`) or set PG_BIN_DIR to their directory',
  );
}

function pgConfigBinDir(): string | undefined {
  try {
    return execFileSync('pg_config', ['--bindir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined; // not installed
  }
}

/** Newest major version first. */
function debianBinDirs(): string[] {
  if (!existsSync(DEBIAN_ROOT)) return [];
  return readdirSync(DEBIAN_ROOT)
    .filter((version) => /^\d+(\.\d+)?$/.test(version))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => path.join(DEBIAN_ROOT, version, 'bin'));
}

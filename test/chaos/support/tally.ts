import { InternalDatabaseNames } from '@app/tenancy';
import type { PrivatePostgres } from './private-postgres';
import type { Accepted } from './scenario-world';

export interface Tally {
  scenario: string;
  submitted: number;
  ready: number;
  failed: number;
  /** Accepted but neither ready nor failed at the end, missing from the registry, or ready with a broken database. */
  lost: number;
  /** Tenant databases (under the prefix, not the service's own) beyond one per tenant. */
  duplicateDatabases: number;
  /** Why a tenant counts as failed or lost, and which databases are duplicates. */
  findings: string[];
  /** What the scenario did, e.g. how many tenants were in flight at a kill. */
  notes: string[];
  /** Why the scenario failed, besides the counts: its own checks, processes that exited by themselves. */
  problems: string[];
}

interface TenantRow {
  id: string;
  status: string;
  step: string | null;
  attempts: number;
  last_error: string | null;
  db_name: string;
}

/** Counts what became of the accepted tenants, from the master database and the server's catalog. */
export async function tally(
  scenario: string,
  pg: PrivatePostgres,
  masterDb: string,
  prefix: string,
  accepted: Accepted[],
): Promise<Tally> {
  const rows = await pg.query<TenantRow>(masterDb, 'SELECT id, status, step, attempts, last_error, db_name FROM tenants');
  const byId = new Map(rows.map((row) => [row.id, row]));
  // Not the service's own databases (template, warm spares).
  const databases = new Set(
    (
      await pg.query<{ datname: string }>(
        'postgres',
        'SELECT datname FROM pg_database WHERE starts_with(datname, $1) AND NOT starts_with(datname, $2)',
        [prefix, new InternalDatabaseNames(prefix).anyInternalPrefix],
      )
    ).map((row) => row.datname),
  );
  const result: Tally = {
    scenario,
    submitted: accepted.length,
    ready: 0,
    failed: 0,
    lost: 0,
    duplicateDatabases: 0,
    findings: [],
    notes: [],
    problems: [],
  };
  const lose = (finding: string) => {
    result.lost++;
    result.findings.push(finding);
  };

  for (const tenant of accepted) {
    const row = byId.get(tenant.id);
    if (!row) {
      lose(`${tenant.name} (${tenant.id}): answered 202 but has no tenant row`);
    } else if (row.status === 'failed') {
      result.failed++;
      result.findings.push(`${tenant.name} (${row.id}): failed after ${row.attempts} attempts: ${row.last_error}`);
    } else if (row.status !== 'ready') {
      lose(
        `${tenant.name} (${row.id}): still ${row.status} at step ${row.step}, ${row.attempts} attempts, last error ${row.last_error}`,
      );
    } else {
      const broken = databases.has(row.db_name) ? await brokenDatabase(pg, row.db_name) : 'its database does not exist';
      if (broken) lose(`${tenant.name} (${row.id}): ready but ${broken}`);
      else result.ready++;
    }
  }

  // A tenant's database is found by name, so a second database for one tenant is one no tenant names.
  const owned = new Set(rows.map((row) => row.db_name));
  for (const database of databases) {
    if (owned.has(database)) continue;
    result.duplicateDatabases++;
    result.findings.push(`database ${database} belongs to no tenant`);
  }
  return result;
}

/** Why a ready tenant's database is not usable, or undefined when it is. */
async function brokenDatabase(pg: PrivatePostgres, database: string): Promise<string | undefined> {
  const [tables] = await pg.query<{ users: boolean; lock: boolean }>(
    database,
    "SELECT to_regclass('public.users') IS NOT NULL AS users, to_regclass('public.knex_migrations_lock') IS NOT NULL AS lock",
  );
  if (!tables!.users) return 'its database has no users table';
  if (tables!.lock) {
    const [lock] = await pg.query<{ locked: number }>(
      database,
      'SELECT count(*)::int AS locked FROM knex_migrations_lock WHERE is_locked = 1',
    );
    if (lock!.locked) return 'knex_migrations_lock is left locked';
  }
  return undefined;
}

import { Inject, Injectable } from '@nestjs/common';
import { escapeLiteral, Pool } from 'pg';
import { createDatabaseIfMissing } from '../postgres/create-database';
import { quoteIdentifier } from '../postgres/quote-identifier';
import { TENANT_SERVER_POOL } from './tenant-server.tokens';

const DUPLICATE_OBJECT = '42710';
/** PostgreSQL 15.4+ marks a database whose DROP was interrupted with datconnlimit = -2. */
const INVALID_DATABASE_CONNLIMIT = -2;

export type DatabaseState = 'missing' | 'valid' | 'invalid';

/**
 * Server-level operations on tenant databases and roles. Needs CREATEDB and CREATEROLE, not
 * superuser: the provisioner makes itself a member of each role it creates so it may act for it.
 */
@Injectable()
export class TenantDatabaseAdmin {
  constructor(@Inject(TENANT_SERVER_POOL) private readonly server: Pool) {}

  async state(dbName: string): Promise<DatabaseState> {
    const result = await this.server.query<{ datconnlimit: number }>(
      'SELECT datconnlimit FROM pg_database WHERE datname = $1',
      [dbName],
    );
    if (!result.rowCount) return 'missing';
    return result.rows[0]!.datconnlimit === INVALID_DATABASE_CONNLIMIT ? 'invalid' : 'valid';
  }

  /** Creates the database unless it exists; returns whether this call created it. */
  createDatabase(dbName: string, options: { template?: string } = {}): Promise<boolean> {
    return createDatabaseIfMissing(this.server, dbName, options.template);
  }

  async renameDatabase(from: string, to: string): Promise<void> {
    await this.server.query(`ALTER DATABASE ${quoteIdentifier(from)} RENAME TO ${quoteIdentifier(to)}`);
  }

  /** Creates the login role or, if it exists, sets its password again. */
  async ensureRole(role: string, password: string | null): Promise<void> {
    const login = password === null ? 'NOLOGIN' : `LOGIN PASSWORD ${escapeLiteral(password)}`;
    try {
      await this.server.query(`CREATE ROLE ${quoteIdentifier(role)} ${login}`);
    } catch (error) {
      if ((error as { code?: string }).code !== DUPLICATE_OBJECT) throw error;
      await this.server.query(`ALTER ROLE ${quoteIdentifier(role)} ${login}`);
    }
    await this.server.query(`GRANT ${quoteIdentifier(role)} TO CURRENT_USER`);
  }

  async roleExists(role: string): Promise<boolean> {
    return (await this.server.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount === 1;
  }

  async setPassword(role: string, password: string): Promise<void> {
    await this.server.query(`ALTER ROLE ${quoteIdentifier(role)} PASSWORD ${escapeLiteral(password)}`);
  }

  /** Gives the database to its role and shuts every other role out of it. */
  async handOver(dbName: string, role: string): Promise<void> {
    await this.server.query(`ALTER DATABASE ${quoteIdentifier(dbName)} OWNER TO ${quoteIdentifier(role)}`);
    await this.lockOut(dbName);
  }

  /** Revokes CONNECT (and TEMP) from PUBLIC: only the owner may open the database. */
  async lockOut(dbName: string): Promise<void> {
    await this.server.query(`REVOKE ALL ON DATABASE ${quoteIdentifier(dbName)} FROM PUBLIC`);
  }

  async markTemplate(dbName: string, comment: string): Promise<void> {
    const database = quoteIdentifier(dbName);
    await this.server.query(`ALTER DATABASE ${database} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
    await this.server.query(`COMMENT ON DATABASE ${database} IS ${escapeLiteral(comment)}`);
  }

  async comment(dbName: string): Promise<string | undefined> {
    const result = await this.server.query<{ comment: string | null }>(
      "SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1",
      [dbName],
    );
    return result.rows[0]?.comment ?? undefined;
  }

  /** Database names that start with `prefix`, taken literally. */
  async databasesStartingWith(prefix: string): Promise<string[]> {
    const result = await this.server.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname',
      [prefix],
    );
    return result.rows.map((row) => row.datname);
  }

  async drop(dbName: string): Promise<void> {
    const database = quoteIdentifier(dbName);
    const result = await this.server.query('SELECT datistemplate FROM pg_database WHERE datname = $1', [dbName]);
    // A template must be unmarked before it can be dropped.
    if (result.rows[0]?.datistemplate) await this.server.query(`ALTER DATABASE ${database} IS_TEMPLATE false`);
    await this.server.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { createDatabaseIfMissing } from '../postgres/create-database';
import { quoteIdentifier } from '../postgres/quote-identifier';
import { TENANT_SERVER_POOL } from './tenant-server.tokens';

/** Server-level operations on tenant databases. */
@Injectable()
export class TenantDatabaseAdmin {
  constructor(@Inject(TENANT_SERVER_POOL) private readonly server: Pool) {}

  /** Creates the database; one left behind by an earlier attempt is reused as it is. */
  async ensureDatabase(dbName: string): Promise<void> {
    await createDatabaseIfMissing(this.server, dbName);
  }

  async exists(dbName: string): Promise<boolean> {
    const result = await this.server.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName]);
    return result.rowCount === 1;
  }

  async drop(dbName: string): Promise<void> {
    await this.server.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(dbName)} WITH (FORCE)`);
  }
}

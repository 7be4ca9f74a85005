import { Inject, Injectable } from '@nestjs/common';
import type { Knex } from 'knex';
import type { Client } from 'pg';
import { preparedStatement } from '../postgres/prepared-statement';
import { MASTER_KNEX } from './master-database.tokens';

export type Exclusive<T> = { acquired: true; value: T } | { acquired: false };

/**
 * PostgreSQL advisory locks in the master database, held by the session of a master connection
 * kept for as long as the work runs. A process that dies loses its connection and with it the
 * lock, so a crash never leaves anything locked. A session lock rather than a transaction's:
 * taking and releasing it is two statements, not BEGIN, the lock and COMMIT.
 */
@Injectable()
export class AdvisoryLock {
  constructor(@Inject(MASTER_KNEX) private readonly master: Knex) {}

  /** Runs `work` if nobody holds `key`; otherwise returns at once without running it. */
  async tryRunExclusive<T>(key: string, work: () => Promise<T>): Promise<Exclusive<T>> {
    const pool = this.master.client as Knex.Client;
    const connection = (await pool.acquireConnection()) as Client;
    try {
      if (!(await this.lockOn(connection, 'pg_try_advisory_lock', key))) return { acquired: false };
      try {
        return { acquired: true, value: await work() };
      } finally {
        await this.lockOn(connection, 'pg_advisory_unlock', key).catch(async () => {
          // A connection whose session may still hold the lock never goes back to the pool: ended, the server frees the lock.
          await connection.end().catch(() => undefined);
        });
      }
    } finally {
      await pool.releaseConnection(connection);
    }
  }

  private async lockOn(connection: Client, fn: 'pg_try_advisory_lock' | 'pg_advisory_unlock', key: string): Promise<boolean> {
    const result = await this.master
      .raw<{ rows: { done: boolean }[] }>(`SELECT ${fn}(hashtextextended(?, 0)) AS done`, [key])
      .options(preparedStatement(fn))
      .connection(connection);
    return result.rows[0]?.done === true;
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Knex } from 'knex';
import type { Client } from 'pg';
import { preparedStatement } from '../postgres/prepared-statement';
import { MASTER_KNEX } from './master-database.tokens';

export type Exclusive<T> = { acquired: true; value: T } | { acquired: false };

/** A key as the lock's 64-bit id: the one expression every lock and unlock uses, so the two always match. */
export const LOCK_ID_SQL = 'hashtextextended(?, 0)';

/**
 * The lock attempt as SQL, for a caller that folds it into a read of its own (see
 * readThenRunExclusive); its one parameter is the key.
 */
export const TRY_LOCK_SQL = `pg_try_advisory_lock(${LOCK_ID_SQL})`;

/** What such a read returns: whether it took the lock (null when it did not ask for it). */
export interface LockingRead {
  locked: boolean | null;
}

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
    return this.onSession(async (session) => {
      if (!(await this.lockOn(session, 'pg_try_advisory_lock', key))) return { acquired: false };
      return { acquired: true, value: await this.holding(session, key, work) };
    });
  }

  /**
   * For work that decides in SQL whether it needs the lock: `read`, one query that calls
   * TRY_LOCK_SQL with `key` only when it must, runs on the session that then holds the lock, and
   * `work` runs under it when it was taken. One round trip where a read and then the lock are two.
   * `work` may run its own master statements on that session: no second connection.
   */
  async readThenRunExclusive<R extends LockingRead, T>(
    key: string,
    read: (session: Client) => Promise<R>,
    work: (found: R, session: Client) => Promise<T>,
  ): Promise<{ found: R; value?: T }> {
    return this.onSession(async (session) => {
      const found = await read(session).catch(async (error: unknown) => {
        // The statement may have failed after it took the lock, which outlives the failure.
        await forget(session);
        throw error;
      });
      return found.locked ? { found, value: await this.holding(session, key, () => work(found, session)) } : { found };
    });
  }

  private async onSession<T>(use: (session: Client) => Promise<T>): Promise<T> {
    const pool = this.master.client as Knex.Client;
    const session = (await pool.acquireConnection()) as Client;
    try {
      return await use(session);
    } finally {
      await pool.releaseConnection(session);
    }
  }

  private async holding<T>(session: Client, key: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } finally {
      await this.lockOn(session, 'pg_advisory_unlock', key).catch(() => forget(session));
    }
  }

  private async lockOn(session: Client, fn: 'pg_try_advisory_lock' | 'pg_advisory_unlock', key: string): Promise<boolean> {
    const result = await this.master
      .raw<{ rows: { done: boolean }[] }>(`SELECT ${fn}(${LOCK_ID_SQL}) AS done`, [key])
      .options(preparedStatement(fn))
      .connection(session);
    return result.rows[0]?.done === true;
  }
}

/** A session that may still hold a lock never goes back to the pool: ended, the server frees the lock. */
async function forget(session: Client): Promise<void> {
  await session.end().catch(() => undefined);
}

import { Inject, Injectable } from '@nestjs/common';
import type { Knex } from 'knex';
import { MASTER_KNEX } from './master-database.tokens';

export type Exclusive<T> = { acquired: true; value: T } | { acquired: false };

/**
 * PostgreSQL advisory locks in the master database, held by an open transaction for as long as
 * the work runs. A process that dies loses its connection and with it the lock, so a crash
 * never leaves anything locked.
 */
@Injectable()
export class AdvisoryLock {
  constructor(@Inject(MASTER_KNEX) private readonly master: Knex) {}

  /** Runs `work` if nobody holds `key`; otherwise returns at once without running it. */
  async tryRunExclusive<T>(key: string, work: () => Promise<T>): Promise<Exclusive<T>> {
    return this.master.transaction(async (trx): Promise<Exclusive<T>> => {
      const result = await trx.raw<{ rows: { locked: boolean }[] }>(
        'SELECT pg_try_advisory_xact_lock(hashtextextended(?, 0)) AS locked',
        [key],
      );
      if (!result.rows[0]?.locked) return { acquired: false };
      return { acquired: true, value: await work() };
    });
  }
}

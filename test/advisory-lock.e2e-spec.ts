import { randomBytes } from 'node:crypto';
import { knex, Knex } from 'knex';
import type { Client } from 'pg';
import { AdvisoryLock, TRY_LOCK_SQL, withDatabase } from '@app/tenancy';

const SERVER_URL = withDatabase(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/master', 'postgres');

/** AdvisoryLock against a real server: a session lock on a pooled connection, never left behind on one. */
describe('AdvisoryLock', () => {
  const key = `advisory-lock-test:${randomBytes(4).toString('hex')}`;
  let master: Knex;
  let lock: AdvisoryLock;

  /** The backends holding the key (a bigint key shows in pg_locks as its high and low halves). */
  const holders = async () =>
    (
      await master.raw<{ rows: { pid: number }[] }>(
        `SELECT l.pid FROM pg_locks l
          WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
            AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended(?, 0)`,
        [key],
      )
    ).rows.map((row) => row.pid);
  const heldByAnyone = async () => (await holders()).length > 0;

  beforeEach(() => {
    // Two connections: the holder's, and one for the other caller or the check.
    // Knex warns when its pool discards a connection the server ended: the third test does that on purpose.
    master = knex({ client: 'pg', connection: SERVER_URL, pool: { min: 0, max: 2 }, log: { warn: () => undefined } });
    lock = new AdvisoryLock(master);
  });
  afterEach(() => master.destroy());

  it('runs the work holding the key; another caller meanwhile is refused without running its own', async () => {
    const other = jest.fn();
    const run = await lock.tryRunExclusive(key, async () => {
      expect(await heldByAnyone()).toBe(true);
      return lock.tryRunExclusive(key, other);
    });
    expect(run).toEqual({ acquired: true, value: { acquired: false } });
    expect(other).not.toHaveBeenCalled();
    expect(await heldByAnyone()).toBe(false);
  });

  it('frees the key when the work throws, and its connection serves the next caller', async () => {
    const failure = new Error('work failed');
    await expect(lock.tryRunExclusive(key, () => Promise.reject(failure))).rejects.toBe(failure);
    expect(await heldByAnyone()).toBe(false);
    expect(await lock.tryRunExclusive(key, () => Promise.resolve('again'))).toEqual({ acquired: true, value: 'again' });
  });

  it('never hands out again a connection whose session ended under the work: the next caller gets the key on a new one', async () => {
    const run = await lock.tryRunExclusive(key, async () => {
      const [holder] = await holders();
      await master.raw('SELECT pg_terminate_backend(?)', [holder]);
      return 'done';
    });
    expect(run).toEqual({ acquired: true, value: 'done' });
    expect(await lock.tryRunExclusive(key, () => Promise.resolve('next'))).toEqual({ acquired: true, value: 'next' });
    expect(await heldByAnyone()).toBe(false);
  });

  it('takes and frees the key through statements its connection prepared once, not parsed and planned on every call', async () => {
    const oneConnection = knex({ client: 'pg', connection: SERVER_URL, pool: { min: 0, max: 1 } });
    try {
      const lockOnIt = new AdvisoryLock(oneConnection);
      await lockOnIt.tryRunExclusive(key, () => Promise.resolve());
      await lockOnIt.tryRunExclusive(key, () => Promise.resolve());
      // The same connection again (the pool has one): its session lists what it prepared.
      const { rows } = await oneConnection.raw<{ rows: { name: string }[] }>('SELECT name FROM pg_prepared_statements ORDER BY name');
      expect(rows.map((row) => row.name)).toEqual(['pg_advisory_unlock', 'pg_try_advisory_lock']);
    } finally {
      await oneConnection.destroy();
    }
  });

  describe("readThenRunExclusive: a read of the caller's that takes the lock when it must", () => {
    /** One statement that asks for the key only when `ask` is true, as a rollout step's read does. */
    const readAsking = (ask: boolean) => (session: Client) =>
      master
        .raw<{ rows: { locked: boolean | null; found: string }[] }>(
          `SELECT 'row' AS found, CASE WHEN ?::boolean THEN ${TRY_LOCK_SQL} END AS locked`,
          [ask, key],
        )
        .connection(session)
        .then(({ rows }) => rows[0]!);

    it('runs the work holding the key when the read took it, and frees it after', async () => {
      const run = await lock.readThenRunExclusive(key, readAsking(true), async (found) => {
        expect(await heldByAnyone()).toBe(true);
        return `worked on ${found.found}`;
      });
      expect(run).toEqual({ found: { found: 'row', locked: true }, value: 'worked on row' });
      expect(await heldByAnyone()).toBe(false);
    });

    it('runs no work and holds nothing when the read did not ask', async () => {
      const work = jest.fn();
      expect(await lock.readThenRunExclusive(key, readAsking(false), work)).toEqual({ found: { found: 'row', locked: null } });
      expect(work).not.toHaveBeenCalled();
      expect(await heldByAnyone()).toBe(false);
    });

    it('runs no work when another caller holds the key', async () => {
      const work = jest.fn();
      const run = await lock.tryRunExclusive(key, () => lock.readThenRunExclusive(key, readAsking(true), work));
      expect(run).toEqual({ acquired: true, value: { found: { found: 'row', locked: false } } });
      expect(work).not.toHaveBeenCalled();
    });

    it('leaves the key free when the read fails after taking it: its session is ended, not pooled', async () => {
      const failing = (session: Client) =>
        master.raw(`SELECT ${TRY_LOCK_SQL}, 1 / 0`, [key]).connection(session) as unknown as Promise<{ locked: boolean }>;
      await expect(lock.readThenRunExclusive(key, failing, jest.fn())).rejects.toThrow(/division by zero/);
      expect(await heldByAnyone()).toBe(false);
      expect(await lock.tryRunExclusive(key, () => Promise.resolve('next'))).toEqual({ acquired: true, value: 'next' });
    });
  });
});

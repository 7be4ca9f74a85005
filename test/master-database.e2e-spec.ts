import { databaseOf } from '@app/tenancy';
import { Client } from 'pg';
import { MasterMigrationLockTimeoutError, openMasterDatabase } from '../libs/tenancy/src/master/master-database';
import { LOCK_KEYS } from '../libs/tenancy/src/master/lock-keys';
import { TestStack } from './support/test-stack';

describe('the master database', () => {
  const stack = new TestStack({ MASTER_MIGRATION_LOCK_TIMEOUT_MS: '300' });
  afterAll(() => stack.teardown());

  it('is closed to PUBLIC once the service has created and migrated it', async () => {
    const master = await openMasterDatabase(stack.config);
    await master.destroy();
    const [privileges] = await stack.query<{ connect: boolean; temporary: boolean }>(
      `SELECT has_database_privilege('public', oid, 'CONNECT') AS connect, has_database_privilege('public', oid, 'TEMPORARY') AS temporary
         FROM pg_database WHERE datname = $1`,
      [databaseOf(stack.config.master.url)],
      'postgres',
    );
    expect(privileges).toEqual({ connect: false, temporary: false });
  });

  it('gives up waiting for the migrations lock with an error that names who holds it', async () => {
    const holder = new Client({ connectionString: stack.config.master.url, application_name: 'lock-squatter' });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [LOCK_KEYS.masterMigrations]);
      const started = Date.now();
      const opening = openMasterDatabase(stack.config);
      await expect(opening).rejects.toThrow(MasterMigrationLockTimeoutError);
      await expect(opening).rejects.toThrow(/300 ms .*lock-squatter/);
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      await holder.end();
    }
  });
});

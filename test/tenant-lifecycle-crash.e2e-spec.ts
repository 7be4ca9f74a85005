import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { http } from './support/http';
import { databaseExists, roleFacts, sha256Of, waitForRest } from './support/lifecycle';
import { freePort } from './support/processes/free-port';
import { createReadyTenant } from './support/ready-tenant';
import { TestStack } from './support/test-stack';
import { waitFor } from './support/wait-for';

const REPO = path.resolve(__dirname, '..');
const ROWS = 300_000;

/**
 * A worker killed with SIGKILL while it purges a tenant (pg_dump half way): another worker takes
 * the job over once its BullMQ lock lapses, and the purge completes once — one backup file, with
 * the recorded checksum, from which the tenant is restored with every row.
 */
describe('a lifecycle operation interrupted by a killed worker', () => {
  const backupDir = mkdtempSync(path.join(tmpdir(), 'tenant-backups-'));
  const environment = {
    TENANT_SECRET_KEY: randomBytes(32).toString('hex'),
    BACKUP_DIR: backupDir,
    RECONCILE_INTERVAL_MS: '500',
    WARM_POOL_SIZE: '0',
  };
  const stack = new TestStack(environment);
  let api = '';
  let child: ChildProcess | undefined;

  /** The worker as its own process (its source through ts-node), so that it can be killed like a real one. */
  async function spawnWorker(): Promise<ChildProcess> {
    const port = await freePort();
    const { master, redis, tenants } = stack.config;
    const worker = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/worker/src/main.ts'],
      {
        cwd: REPO,
        stdio: 'ignore',
        env: {
          ...process.env,
          ...environment,
          NODE_ENV: 'test',
          LOG_LEVEL: 'error',
          DATABASE_URL: master.url,
          ...stack.redisEnvironment(),
          QUEUE_PREFIX: redis.prefix,
          TENANT_DB_PREFIX: tenants.databasePrefix,
          WORKER_HEALTH_PORT: String(port),
        },
      },
    );
    await waitFor(
      'the worker process to answer',
      async () =>
        (await fetch(`http://127.0.0.1:${port}/health/live`)
          .then((answer) => answer.ok)
          .catch(() => false)) || undefined,
      60_000,
    );
    return worker;
  }

  beforeAll(async () => {
    api = await stack.startApi();
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await stack.teardown();
    rmSync(backupDir, { recursive: true, force: true });
  });

  it('completes once after the worker running it is killed', async () => {
    const provisioner: INestApplication = await stack.startWorker();
    const tenant = await createReadyTenant(stack, api, { name: `Crash ${randomBytes(3).toString('hex')}` });
    await stack.query(
      "INSERT INTO users (name, email) SELECT 'user ' || g, 'user' || g || '@crash.test' FROM generate_series(1, $1::int) g",
      [ROWS],
      tenant.dbName,
    );
    const digest =
      "SELECT count(*)::int AS rows, md5(string_agg(id || ':' || name || ':' || email, ',' ORDER BY id)) AS md5 FROM users";
    const [before] = await stack.query(digest, [], tenant.dbName);
    await stack.stop(provisioner);

    child = await spawnWorker();
    expect((await http(api, 'DELETE', `/org/${tenant.id}?purge=true`)).status).toBe(202);
    const partial = await waitFor(
      'the dump to be under way',
      async () => readdirSync(backupDir).find((file) => file.endsWith('.partial')),
      30_000,
    );
    child.kill('SIGKILL');
    child = undefined;
    expect(partial).toContain(tenant.id);
    expect((await http(api, 'GET', `/org/${tenant.id}/status`)).body).toMatchObject({ status: 'deleted', operation: 'purge' });

    // Its BullMQ lock lapses (10 s) and the stalled check hands the job to this worker.
    await stack.startWorker();
    const purged = await waitForRest(api, tenant.id, ['purged'], 60_000);
    expect(purged.operationError).toBeNull();
    const { body: tombstone } = await http(api, 'GET', `/org/${tenant.id}`);
    expect(readdirSync(backupDir)).toEqual([path.basename(tombstone.backup.path)]);
    expect(sha256Of(tombstone.backup.path)).toBe(tombstone.backup.checksum);
    expect(await databaseExists(stack, tenant.dbName)).toBe(false);
    expect(await roleFacts(stack, tenant.role)).toBeUndefined();

    expect((await http(api, 'POST', `/org/${tenant.id}/restore`)).status).toBe(202);
    await waitForRest(api, tenant.id, ['ready'], 60_000);
    expect(await stack.query(digest, [], tenant.dbName)).toEqual([before]);
  }, 180_000);
});

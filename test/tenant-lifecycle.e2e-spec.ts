import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { http } from './support/http';
import { connectAs, databaseExists, roleFacts, sealedPassword, sha256Of, usersOf, waitForRest } from './support/lifecycle';
import { createReadyTenant, ReadyTenant } from './support/ready-tenant';
import { TestStack } from './support/test-stack';

/**
 * Suspend, resume, delete, purge and restore through the admin api, carried out by a real worker
 * on the machine's PostgreSQL, with the provisioner an ordinary CREATEDB CREATEROLE role (as in
 * production): what a tenant's role and tenant-api see at each step, the backup on disk, the
 * tombstone, and the data after a restore.
 */
describe('tenant lifecycle', () => {
  const provisioner = `lcprov_${randomBytes(4).toString('hex')}`;
  const backupDir = mkdtempSync(path.join(tmpdir(), 'tenant-backups-'));
  const stack = new TestStack({
    TENANT_DATABASE_URL: `postgres://${provisioner}@127.0.0.1:5432/postgres`,
    BACKUP_DIR: backupDir,
    RECONCILE_INTERVAL_MS: '500',
    WARM_POOL_SIZE: '2',
  });
  const durations: Record<string, number> = {};
  let api = '';
  let tenantApi = '';

  const fixtures = () => ({
    users: [
      { name: 'Ann', email: `ann.${randomBytes(3).toString('hex')}@example.test` },
      { name: 'Bob', email: `bob.${randomBytes(3).toString('hex')}@example.test` },
    ],
  });
  const ready = (name: string) =>
    createReadyTenant(stack, api, { name: `${name} ${randomBytes(3).toString('hex')}`, fixtures: fixtures() });
  const keyOf = async (tenant: ReadyTenant) => (await http<{ key: string }>(api, 'POST', `/org/${tenant.id}/api-keys`)).body.key;
  const listUsers = (tenant: ReadyTenant, key: string) =>
    http(tenantApi, 'GET', '/users', { headers: { authorization: `Bearer ${key}`, 'x-tenant-id': tenant.slug } });

  /** Asks for an operation and waits until it is done; records how long that took. */
  async function operate(label: string, method: string, route: string, rest: string[], json?: unknown) {
    const started = Date.now();
    const answer = await http(api, method, route, json === undefined ? {} : { json });
    expect(answer.status).toBe(202);
    const settled = await waitForRest(api, answer.body.id, rest);
    durations[label] = Date.now() - started;
    return { accepted: answer.body, settled };
  }

  beforeAll(async () => {
    await stack.query(`CREATE ROLE "${provisioner}" LOGIN CREATEDB CREATEROLE`, [], 'postgres');
    api = await stack.startApi();
    await stack.startWorker();
    tenantApi = await stack.startTenantApi({ TENANT_LOOKUP_CACHE_MS: '60000' });
  });
  afterAll(async () => {
    await stack.teardown();
    await stack.query(`DROP ROLE IF EXISTS "${provisioner}"`, [], 'postgres');
    rmSync(backupDir, { recursive: true, force: true });
    process.stdout.write(`lifecycle durations (ms, request to done): ${JSON.stringify(durations)}\n`);
  });

  it('suspends a tenant (its role shut out, its open session ended, tenant-api 403) and resumes it', async () => {
    const tenant = await ready('Suspend Me');
    const key = await keyOf(tenant);
    expect((await listUsers(tenant, key)).status).toBe(200);
    const session = await connectAs(tenant.role, tenant.dbName);
    const [{ pid }] = (await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows as [{ pid: number }];

    const { accepted, settled } = await operate('suspend', 'POST', `/org/${tenant.id}/suspend`, ['suspended']);
    expect(accepted).toMatchObject({ id: tenant.id, status: 'suspended', operation: 'suspend', jobId: `suspend-${tenant.id}` });
    expect(settled).toMatchObject({ status: 'suspended', operation: null, operationError: null });
    expect(await stack.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid], 'postgres')).toEqual([]);
    await expect(session.query('SELECT 1')).rejects.toThrow();
    await expect(connectAs(tenant.role, tenant.dbName)).rejects.toThrow(/not permitted to log in/);
    expect(await listUsers(tenant, key)).toMatchObject({ status: 403, body: { message: `tenant ${tenant.slug} is suspended` } });

    const again = await http(api, 'POST', `/org/${tenant.id}/suspend`);
    expect(again).toMatchObject({
      status: 409,
      body: { message: expect.stringMatching(/^tenant is suspended; only a ready tenant/) },
    });
    await operate('resume', 'POST', `/org/${tenant.id}/resume`, ['ready']);
    expect((await listUsers(tenant, key)).status).toBe(200);
    const back = await connectAs(tenant.role, tenant.dbName);
    expect((await back.query('SELECT count(*)::int AS n FROM users')).rows).toEqual([{ n: 2 }]);
    await back.end();
    expect(await http(api, 'POST', `/org/${tenant.id}/resume`)).toMatchObject({
      status: 409,
      body: { message: 'tenant is ready; only a suspended tenant can be resumed', status: 'ready' },
    });
  });

  it('deletes a tenant (403, its password replaced, data kept), refuses a second delete, purges it on the retention timer with a backup, and restores it in place', async () => {
    const tenant = await ready('Delete Me');
    const key = await keyOf(tenant);
    const before = await usersOf(stack, tenant.dbName);
    const passwordBefore = await sealedPassword(stack, tenant.id);

    const { settled } = await operate('delete', 'DELETE', `/org/${tenant.id}`, ['deleted']);
    expect(settled.status).toBe('deleted');
    expect(await listUsers(tenant, key)).toMatchObject({ status: 403, body: { message: `tenant ${tenant.slug} is deleted` } });
    expect(await roleFacts(stack, tenant.role)).toEqual({ canLogin: false });
    expect(await sealedPassword(stack, tenant.id)).not.toBe(passwordBefore);
    expect(await usersOf(stack, tenant.dbName)).toEqual(before);
    const { body: view } = await http(api, 'GET', `/org/${tenant.id}`);
    expect(Date.parse(view.purgeAfter) - Date.parse(view.deletedAt)).toBe(7 * 24 * 3600 * 1000);
    expect(view.backup).toBeUndefined();

    const twice = await http(api, 'DELETE', `/org/${tenant.id}`);
    expect(twice).toMatchObject({
      status: 409,
      body: { message: expect.stringMatching(/^tenant is deleted; it was deleted already/) },
    });

    // The retention is over: the worker's periodic task finds it.
    const started = Date.now();
    await stack.query(`UPDATE tenants SET purge_after = now() - interval '1 second' WHERE id = $1`, [tenant.id]);
    await waitForRest(api, tenant.id, ['purged']);
    durations.purge = Date.now() - started;
    const { body: tombstone } = await http(api, 'GET', `/org/${tenant.id}`);
    expect(tombstone).toMatchObject({
      status: 'purged',
      backup: { path: expect.stringContaining(backupDir), checksum: expect.any(String) },
    });
    expect(sha256Of(tombstone.backup.path)).toBe(tombstone.backup.checksum);
    expect(readdirSync(backupDir).filter((file) => file.includes(tenant.id))).toEqual([path.basename(tombstone.backup.path)]);
    expect(await databaseExists(stack, tenant.dbName)).toBe(false);
    expect(await roleFacts(stack, tenant.role)).toBeUndefined();
    expect(await listUsers(tenant, key)).toMatchObject({ status: 403, body: { message: `tenant ${tenant.slug} is purged` } });

    await operate('restore', 'POST', `/org/${tenant.id}/restore`, ['ready']);
    expect(await usersOf(stack, tenant.dbName)).toEqual(before);
    const passwordAfter = await sealedPassword(stack, tenant.id);
    expect(passwordAfter).not.toBeNull();
    expect(passwordAfter).not.toBe(passwordBefore);
    expect(await listUsers(tenant, key)).toMatchObject({ status: 200, body: { items: before } });
    const [owner] = await stack.query<{ owner: string }>(
      'SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1',
      [tenant.dbName],
      'postgres',
    );
    expect(owner).toEqual({ owner: tenant.role });
    expect(await stack.tableOwners(tenant.dbName, 'users')).toEqual([tenant.role]);
  });

  it('purges at once without a backup; the name is free again, and a tenant with no backup cannot be restored', async () => {
    const tenant = await ready('No Backup');
    const { accepted } = await operate('purge-no-backup', 'DELETE', `/org/${tenant.id}?purge=true&backup=false`, ['purged']);
    expect(accepted).toMatchObject({ status: 'deleted', operation: 'purge' });
    expect(readdirSync(backupDir).filter((file) => file.includes(tenant.id))).toEqual([]);
    expect(await databaseExists(stack, tenant.dbName)).toBe(false);
    expect((await http(api, 'GET', `/org/${tenant.id}`)).body.backup).toBeUndefined();

    expect(await http(api, 'POST', `/org/${tenant.id}/restore`)).toMatchObject({
      status: 404,
      body: { message: expect.stringContaining('has no recorded backup') },
    });

    const again = await createReadyTenant(stack, api, { name: tenant.name });
    expect(again).toMatchObject({ slug: tenant.slug, dbName: tenant.dbName });
    expect(again.id).not.toBe(tenant.id);
    const { body: bySlug } = await http(api, 'GET', `/org?limit=100`);
    expect(
      bySlug.items.filter((item: { slug: string }) => item.slug === tenant.slug).map((item: { status: string }) => item.status),
    ).toEqual(['ready', 'purged']);
  });

  it('restores a purged tenant whose name was taken meanwhile as a new tenant, with its rows', async () => {
    const tenant = await ready('Copy Me');
    const before = await usersOf(stack, tenant.dbName);
    await operate('purge-at-once', 'DELETE', `/org/${tenant.id}?purge=true`, ['purged']);
    await createReadyTenant(stack, api, { name: tenant.name });

    const taken = await http(api, 'POST', `/org/${tenant.id}/restore`);
    expect(taken).toMatchObject({
      status: 409,
      body: { message: expect.stringContaining('already exists'), existingTenantId: expect.any(String) },
    });
    expect((await http(api, 'GET', `/org/${tenant.id}/status`)).body).toMatchObject({ status: 'purged', operation: null });

    // With no server room, nothing is recorded: neither the new tenant nor the purged one's restore.
    const { capacity, tenants } = (await http(api, 'GET', '/servers/default')).body;
    expect((await http(api, 'PATCH', '/servers/default', { json: { capacity: tenants } })).status).toBe(200);
    try {
      for (const json of [{ as: `${tenant.name} Copy` }, {}]) {
        expect(await http(api, 'POST', `/org/${tenant.id}/restore`, { json })).toMatchObject({
          status: 503,
          body: { message: expect.stringMatching(/^every active database server is at its capacity, so nothing was restored/) },
        });
      }
    } finally {
      await http(api, 'PATCH', '/servers/default', { json: { capacity } });
    }
    expect(await stack.query('SELECT count(*)::int AS n FROM tenants WHERE name = $1', [`${tenant.name} Copy`])).toEqual([{ n: 0 }]);

    const { accepted, settled } = await operate('restore-as', 'POST', `/org/${tenant.id}/restore`, ['ready'], {
      as: `${tenant.name} Copy`,
    });
    expect(accepted.id).not.toBe(tenant.id);
    expect(settled.status).toBe('ready');
    expect(await usersOf(stack, accepted.dbName)).toEqual(before);
    expect(await roleFacts(stack, accepted.dbName)).toEqual({ canLogin: true });
  });

  describe('bad requests', () => {
    let purged: ReadyTenant;
    let live: ReadyTenant;
    let recorded: { path: string; checksum: string };

    beforeAll(async () => {
      [purged, live] = await Promise.all([ready('Bad Requests Purged'), ready('Bad Requests Live')]);
      await operate('purge-for-bad-requests', 'DELETE', `/org/${purged.id}?purge=true`, ['purged']);
      recorded = (await http(api, 'GET', `/org/${purged.id}`)).body.backup;
    });

    const expect4xx = async (answer: Promise<{ status: number; body: any }>, status: number, message: RegExp) => {
      const { status: got, body } = await answer;
      expect({ status: got, message: JSON.stringify(body.message) }).toEqual({ status, message: expect.stringMatching(message) });
    };

    it('refuses what the status does not allow, naming the status', async () => {
      const [pending] = await stack.query<{ id: string }>(
        "INSERT INTO tenants (name, slug, db_name, status, step) VALUES ('Pending', $1, $1, 'pending', 'queued') RETURNING id",
        [`${stack.config.tenants.databasePrefix}pending_${randomBytes(3).toString('hex')}`],
      );
      try {
        await expect4xx(
          http(api, 'POST', `/org/${pending!.id}/suspend`),
          409,
          /tenant is pending; only a ready tenant can be suspended/,
        );
        await expect4xx(http(api, 'DELETE', `/org/${pending!.id}`), 409, /tenant is pending; it is still being provisioned/);
      } finally {
        await stack.query('DELETE FROM tenants WHERE id = $1', [pending!.id]);
      }
      await expect4xx(http(api, 'POST', `/org/${purged.id}/suspend`), 409, /tenant is purged/);
      await expect4xx(http(api, 'DELETE', `/org/${purged.id}`), 409, /tenant is purged; it was deleted and purged already/);
      await expect4xx(
        http(api, 'POST', `/org/${live.id}/restore`),
        409,
        /tenant is ready; only a purged tenant can be restored in place/,
      );
      await expect4xx(http(api, 'POST', `/org/${live.id}/resume`), 409, /tenant is ready; only a suspended tenant/);
    });

    it('refuses a missing, outside, corrupt or altered backup, saying what is wrong, and changes nothing', async () => {
      const restore = (body: unknown) => http(api, 'POST', `/org/${purged.id}/restore`, { json: body });
      await expect4xx(restore({ backup: 'no-such-file.dump' }), 404, /no backup file at .*no-such-file\.dump/);
      const outside = path.join(tmpdir(), `outside-${randomBytes(3).toString('hex')}.dump`);
      writeFileSync(outside, 'x');
      try {
        await expect4xx(restore({ backup: outside }), 400, /is outside BACKUP_DIR/);
        await expect4xx(restore({ backup: '../etc/passwd' }), 400, /is outside BACKUP_DIR/);
      } finally {
        rmSync(outside);
      }
      const corrupt = path.join(backupDir, 'corrupt.dump');
      writeFileSync(corrupt, randomBytes(4096));
      await expect4xx(restore({ backup: 'corrupt.dump' }), 400, /is not an archive pg_restore can read/);
      mkdirSync(path.join(backupDir, 'folder'));
      await expect4xx(restore({ backup: 'folder' }), 400, /is not a file/);

      const original = sha256Of(recorded.path);
      writeFileSync(recorded.path, 'tampered', { flag: 'a' });
      await expect4xx(
        restore({}),
        400,
        new RegExp(`is not the one recorded at purge: its SHA-256 is [0-9a-f]{64}, the recorded one ${recorded.checksum}`),
      );
      expect(original).toBe(recorded.checksum);
      expect((await http(api, 'GET', `/org/${purged.id}/status`)).body).toMatchObject({ status: 'purged', operation: null });
      expect(existsSync(corrupt)).toBe(true);
    });

    it('refuses malformed input with a 400 and unknown tenants with a 404', async () => {
      await expect4xx(http(api, 'DELETE', `/org/${live.id}?purge=yes`), 400, /purge must be true or false/);
      await expect4xx(http(api, 'DELETE', `/org/${live.id}?force=true`), 400, /Unrecognized key/i);
      await expect4xx(http(api, 'POST', `/org/${purged.id}/restore`, { json: { as: 5 } }), 400, /as must be a string/);
      await expect4xx(http(api, 'POST', `/org/${purged.id}/restore`, { json: { backup: '' } }), 400, /backup must not be empty/);
      await expect4xx(http(api, 'POST', `/org/${purged.id}/restore`, { json: { from: 'x' } }), 400, /Unrecognized key/i);
      await expect4xx(http(api, 'POST', `/org/${purged.id}/restore`, { json: [] }), 400, /body must be a JSON object/);
      await expect4xx(http(api, 'POST', `/org/${purged.id}/restore`, { json: { as: '!!!' } }), 400, /letter or digit/);
      await expect4xx(http(api, 'POST', '/org/not-a-uuid/suspend'), 400, /uuid/);
      await expect4xx(http(api, 'POST', `/org/00000000-0000-4000-8000-000000000000/suspend`), 404, /no tenant/);
      await expect4xx(http(api, 'DELETE', '/org/00000000-0000-4000-8000-000000000000'), 404, /no tenant/);
    });
  });
});

import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PrivatePostgres } from './chaos/support/private-postgres';
import { CliBuild } from './support/cli-process';
import { http, HttpAnswer } from './support/http';
import type { LifecycleStatus } from './support/lifecycle';
import { freePort } from './support/processes/free-port';
import { useRunningStack } from './support/running-stack';
import { createOrg, waitForStatus } from './support/tenant-client';
import { waitFor } from './support/wait-for';

/**
 * A tenant moved from the shared server (`default`) to a private cluster started here, under a
 * writer loop through tenant-api: every write answered 2xx is found after the move, on the
 * target, through tenant-api; the source's database and role are gone. Prints the move's duration
 * and how long the tenant was unavailable, for a small tenant and one of about 100 MB.
 */

interface KeyedTenant {
  id: string;
  dbName: string;
  key: string;
}

interface Write {
  email: string;
  status: number;
  at: number;
}

const MB = 1024 * 1024;
const quoted = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

describe('moving a tenant to another database server', () => {
  const world = useRunningStack({});
  const root = mkdtempSync(path.join(tmpdir(), 'tenant-move-'));
  let far: PrivatePostgres;
  let tenantApi = '';
  /** The tenants moved to `far`, and the emails each holds, for the drain that moves them back. */
  const onFar = new Map<KeyedTenant, string[]>();

  beforeAll(async () => {
    // The cluster runs as the postgres user, which must be able to reach its directory.
    chmodSync(root, 0o755);
    far = new PrivatePostgres(path.join(root, 'far'), await freePort());
    await far.init();
    await far.start();
    tenantApi = await world.stack.startTenantApi();
    const added = await admin('POST', '/servers', { name: 'far', url: far.url('postgres'), capacity: 5 });
    expect(added.status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    await far?.stop('immediate').catch(() => far.kill9());
    rmSync(root, { recursive: true, force: true });
  });

  const admin = <T = any>(method: string, url: string, json?: unknown) => http<T>(world.api, method, url, { json });
  const users = <T = any>(tenant: KeyedTenant, method = 'GET', url = '/users', json?: unknown): Promise<HttpAnswer<T>> =>
    http<T>(tenantApi, method, url, { json, headers: { authorization: `Bearer ${tenant.key}` } });

  async function keyedTenant(name: string): Promise<KeyedTenant> {
    const created = await createOrg(world.api, name);
    await waitForStatus(world.api, created.id, ['ready'], 30_000);
    const issued = await admin<{ key: string }>('POST', `/org/${created.id}/api-keys`);
    expect(issued.status).toBe(201);
    return { id: created.id, dbName: created.dbName, key: issued.body.key };
  }

  /** Every user's email, through tenant-api, page by page. */
  async function emailsOf(tenant: KeyedTenant): Promise<string[]> {
    const emails: string[] = [];
    for (let after: number | null | undefined; after !== null;) {
      const page = await users<{ items: { email: string }[]; nextCursor: number | null }>(
        tenant,
        'GET',
        `/users?limit=100${after ? `&after=${after}` : ''}`,
      );
      expect(page.status).toBe(200);
      emails.push(...page.body.items.map((user) => user.email));
      after = page.body.nextCursor;
    }
    return emails;
  }

  /** Polls until the move is no longer under way; returns the tenant's status then. */
  const moveDone = (id: string, timeoutMs = 120_000) =>
    waitFor(
      `tenant ${id}'s move to finish`,
      async () => {
        const { body } = await admin<LifecycleStatus>('GET', `/org/${id}/status`);
        return body.operation === null ? body : undefined;
      },
      timeoutMs,
    );

  const onShared = async (sql: string, name: string) => (await world.stack.query(sql, [name], 'postgres')).length;
  const databaseOnShared = (name: string) => onShared('SELECT 1 FROM pg_database WHERE datname = $1', name);
  const roleOnShared = (name: string) => onShared('SELECT 1 FROM pg_roles WHERE rolname = $1', name);

  /**
   * A writer loop through tenant-api: one user after another, each answer recorded. Refusals
   * while the tenant is shut out (403, 503) are fine; anything else fails the test.
   */
  function writeWhileMoving(tenant: KeyedTenant, prefix: string) {
    const writes: Write[] = [];
    let writing = true;
    const loop = (async () => {
      for (let index = 0; writing; index += 1) {
        const email = `${prefix}${index}@example.com`;
        const answer = await users(tenant, 'POST', '/users', { name: `${prefix} ${index}`, email });
        writes.push({ email, status: answer.status, at: Date.now() });
        expect([201, 403, 503]).toContain(answer.status);
        if (answer.status !== 201) await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    return {
      /** Once a write answered after `since` (the tenant is open again), stops and returns every write. */
      async stopAfterAWriteSince(since: number): Promise<Write[]> {
        await waitFor('a write to be answered after the move', async () =>
          writes.some((write) => write.status === 201 && write.at > since) ? true : undefined,
        );
        writing = false;
        await loop;
        return writes;
      },
    };
  }

  /** From the last write answered before the move's first refusal to the first answered after its last one. */
  function unavailableMs(writes: Write[]): number {
    const refused = writes.filter((write) => write.status >= 300);
    if (!refused.length) return 0;
    const before = writes.filter((write) => write.status < 300 && write.at < refused[0]!.at).pop();
    const after = writes.find((write) => write.status < 300 && write.at > refused[refused.length - 1]!.at);
    return (after?.at ?? Date.now()) - (before?.at ?? refused[0]!.at);
  }

  it('moves a tenant under a writer loop: no 2xx write lost, routed to the new server, the source dropped', async () => {
    const tenant = await keyedTenant('Move Small');
    const before: string[] = [];
    for (let index = 0; index < 20; index += 1) {
      const email = `before${index}@example.com`;
      expect((await users(tenant, 'POST', '/users', { name: `Before ${index}`, email })).status).toBe(201);
      before.push(email);
    }

    // Refused with a clear answer: an unknown server, the tenant's own, one taking no new tenants.
    expect((await admin('POST', `/org/${tenant.id}/move`, { server: 'nowhere' })).status).toBe(404);
    const same = await admin('POST', `/org/${tenant.id}/move`, { server: 'default' });
    expect([same.status, same.body.message]).toEqual([409, expect.stringContaining('holds this tenant already')]);
    expect((await admin('PATCH', '/servers/far', { state: 'draining' })).status).toBe(200);
    const draining = await admin('POST', `/org/${tenant.id}/move`, { server: 'far' });
    expect([draining.status, draining.body.message]).toEqual([409, expect.stringContaining('is draining')]);
    expect((await admin('PATCH', '/servers/far', { state: 'active' })).status).toBe(200);
    expect((await admin('POST', `/org/${tenant.id}/move`, {})).status).toBe(400);

    const writer = writeWhileMoving(tenant, 'during');
    await new Promise((resolve) => setTimeout(resolve, 300));

    const started = Date.now();
    const accepted = await admin('POST', `/org/${tenant.id}/move`, { server: 'far' });
    expect(accepted.status).toBe(202);
    expect(accepted.body.operation).toBe('move');
    const again = await admin('POST', `/org/${tenant.id}/move`, { server: 'far' });
    expect(again.status).toBe(409);
    const done = await moveDone(tenant.id);
    const moveMs = Date.now() - started;
    // tenant-api hears the event at once; a few more writes land on the target.
    const writes = await writer.stopAfterAWriteSince(started + moveMs);

    expect({ status: done.status, operationError: done.operationError }).toEqual({ status: 'ready', operationError: null });
    expect((await admin<{ server: string }>('GET', `/org/${tenant.id}`)).body.server).toBe('far');
    const answered = writes.filter((write) => write.status === 201).map((write) => write.email);
    const found = await emailsOf(tenant);
    expect(found).toEqual(expect.arrayContaining([...before, ...answered]));
    onFar.set(tenant, found);
    expect(writes.some((write) => write.status !== 201)).toBe(true);

    // On the target: the database and its role; on the shared server: neither.
    const there = await far.query<{ count: string }>(tenant.dbName, 'SELECT count(*) AS count FROM users');
    expect(Number(there[0]!.count)).toBe(found.length);
    const role = await far.query<{ rolcanlogin: boolean }>('postgres', 'SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [
      tenant.dbName,
    ]);
    expect(role).toEqual([{ rolcanlogin: true }]);
    expect([await databaseOnShared(tenant.dbName), await roleOnShared(tenant.dbName)]).toEqual([0, 0]);
    const servers = await admin<{ items: { name: string; tenants: number }[] }>('GET', '/servers');
    expect(servers.body.items.find((server) => server.name === 'far')?.tenants).toBe(1);

    const unavailable = unavailableMs(writes);
    console.log(
      `tenant move (small, ${found.length} users): move_seconds=${(moveMs / 1000).toFixed(2)} unavailable_seconds=${(unavailable / 1000).toFixed(2)} ` +
        `writes_answered=${answered.length} writes_refused=${writes.length - answered.length}`,
    );
  }, 180_000);

  it('picks up after an interrupted attempt: its half-loaded database on the target is replaced, its role reused', async () => {
    const tenant = await keyedTenant('Move Resumed');
    for (const index of [1, 2, 3]) {
      expect((await users(tenant, 'POST', '/users', { name: `R ${index}`, email: `r${index}@example.com` })).status).toBe(201);
    }
    // What an attempt that died during pg_restore leaves on the target: the building database and the role.
    const building = world.stack.internalNames.newTenantDatabase(tenant.id);
    const role = quoted(tenant.dbName);
    await far.query('postgres', `CREATE ROLE ${role} NOLOGIN; COMMENT ON ROLE ${role} IS 'tenancy tenant ${tenant.id}'`);
    await far.query('postgres', `CREATE DATABASE ${quoted(building)}`);
    await far.query(building, 'CREATE TABLE half_loaded (id int)');

    expect((await admin('POST', `/org/${tenant.id}/move`, { server: 'far' })).status).toBe(202);
    const done = await moveDone(tenant.id);
    expect({ status: done.status, operationError: done.operationError }).toEqual({ status: 'ready', operationError: null });
    expect(await emailsOf(tenant)).toEqual(['r1@example.com', 'r2@example.com', 'r3@example.com']);
    onFar.set(tenant, ['r1@example.com', 'r2@example.com', 'r3@example.com']);
    const [left] = await far.query<{ half: string | null }>(tenant.dbName, `SELECT to_regclass('half_loaded')::text AS half`);
    expect(left!.half).toBeNull();
    expect(await far.query('postgres', 'SELECT 1 FROM pg_database WHERE datname = $1', [building])).toEqual([]);
  }, 120_000);

  it('rolls back a move it cannot make: the tenant stays where it was, ready, and takes writes again', async () => {
    const tenant = await keyedTenant('Move Refused');
    expect((await users(tenant, 'POST', '/users', { name: 'Kept', email: 'kept@example.com' })).status).toBe(201);
    // Someone else's role under the tenant's name on the target: never taken over.
    await far.query('postgres', `CREATE ROLE ${quoted(tenant.dbName)} NOLOGIN`);
    try {
      expect((await admin('POST', `/org/${tenant.id}/move`, { server: 'far' })).status).toBe(202);
      const done = await moveDone(tenant.id);
      expect(done.status).toBe('ready');
      expect(done.operationError).toMatch(/was not made by this service/);
      expect((await admin<{ server: string }>('GET', `/org/${tenant.id}`)).body.server).toBe('default');
      expect((await users(tenant, 'POST', '/users', { name: 'Again', email: 'again@example.com' })).status).toBe(201);
      expect(await emailsOf(tenant)).toEqual(['kept@example.com', 'again@example.com']);
      expect(await databaseOnShared(tenant.dbName)).toBe(1);
    } finally {
      await far.query('postgres', `DROP ROLE ${quoted(tenant.dbName)}`);
    }
  }, 120_000);

  it('moves a tenant holding about 100 MB, and reports move_seconds_per_100mb', async () => {
    const tenant = await keyedTenant('Move Large');
    const role = quoted(tenant.dbName);
    // Made as the tenant's role, so it is the tenant's data; random text, so no compression makes it small.
    await world.stack.query(
      `SET ROLE ${role};
       CREATE TABLE bulk (id bigint PRIMARY KEY, payload text NOT NULL);
       INSERT INTO bulk SELECT g, (SELECT string_agg(md5(random()::text || i || g), '') FROM generate_series(1, 28) i) FROM generate_series(1, 100000) g;
       RESET ROLE`,
      [],
      tenant.dbName,
    );
    const [row] = await world.stack.query<{ bytes: string }>('SELECT pg_database_size($1) AS bytes', [tenant.dbName], 'postgres');
    const size = Number(row!.bytes);
    expect(size).toBeGreaterThan(90 * MB);

    const writer = writeWhileMoving(tenant, 'large');
    const started = Date.now();
    expect((await admin('POST', `/org/${tenant.id}/move`, { server: 'far' })).status).toBe(202);
    const done = await moveDone(tenant.id, 300_000);
    const moveMs = Date.now() - started;
    expect({ status: done.status, operationError: done.operationError }).toEqual({ status: 'ready', operationError: null });
    const writes = await writer.stopAfterAWriteSince(started + moveMs);
    const answered = writes.filter((write) => write.status === 201).map((write) => write.email);
    expect(await emailsOf(tenant)).toEqual(expect.arrayContaining(answered));

    const [bulk] = await far.query<{ count: string }>(tenant.dbName, 'SELECT count(*) AS count FROM bulk');
    expect(Number(bulk!.count)).toBe(100_000);
    expect((await users(tenant, 'POST', '/users', { name: 'After', email: 'after@example.com' })).status).toBe(201);
    expect(await databaseOnShared(tenant.dbName)).toBe(0);
    onFar.set(tenant, await emailsOf(tenant));

    const perHundred = moveMs / 1000 / (size / (100 * MB));
    console.log(
      `tenant move (large, ${(size / MB).toFixed(0)} MB): move_seconds=${(moveMs / 1000).toFixed(2)} ` +
        `move_seconds_per_100mb=${perHundred.toFixed(2)} unavailable_seconds=${(unavailableMs(writes) / 1000).toFixed(2)}`,
    );
  }, 360_000);

  it('tenants servers drain moves every tenant off a server (here back to the shared one) and waits for them', async () => {
    const cli = new CliBuild();
    const started = Date.now();
    try {
      const drained = await cli.json(world.stack, ['servers', 'drain', 'far', '--wait']);
      expect(drained).toMatchObject({ name: 'far', state: 'draining', tenants: 0, staying: [] });
      expect(drained.moving).toHaveLength(onFar.size);
      expect(
        drained.moved.map((tenant: { server: string; operationError: string | null }) => [tenant.server, tenant.operationError]),
      ).toEqual([...onFar.keys()].map(() => ['default', null]));
    } finally {
      cli.remove();
    }
    for (const [tenant, emails] of onFar) {
      expect((await admin<{ server: string }>('GET', `/org/${tenant.id}`)).body.server).toBe('default');
      expect(await emailsOf(tenant)).toEqual(emails);
      expect(await databaseOnShared(tenant.dbName)).toBe(1);
    }
    // The tenants' databases are gone from far; its template and warm spares are the server's own.
    const left = await far.query(
      'postgres',
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1) AND NOT starts_with(datname, $2)',
      [world.stack.config.tenants.databasePrefix, world.stack.internalNames.anyInternalPrefix],
    );
    expect(left).toEqual([]);
    console.log(`servers drain: ${onFar.size} tenants moved back in ${((Date.now() - started) / 1000).toFixed(2)} s`);
  }, 180_000);
});

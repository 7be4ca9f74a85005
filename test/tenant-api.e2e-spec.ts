import { http, HttpAnswer } from './support/http';
import { useRunningStack } from './support/running-stack';
import { createOrg, waitForStatus } from './support/tenant-client';

/**
 * tenant-api, the example product api, against the real api, worker and PostgreSQL: tenants made
 * and keyed through the admin api, then the /users contract with those keys, by header and by path.
 */

interface KeyedTenant {
  id: string;
  slug: string;
  dbName: string;
  key: string;
}

interface User {
  id: number;
  name: string;
  email: string;
}

const USER_PAGE_KEYS = ['items', 'nextCursor'];

describe('tenant-api', () => {
  const world = useRunningStack({}, 1);
  let tenantApi = '';
  let acme: KeyedTenant;
  let globex: KeyedTenant;

  /** A ready tenant and an API key for it, made as a product's operator would: through the admin api. */
  async function keyedTenant(name: string): Promise<KeyedTenant> {
    const created = await createOrg(world.api, name);
    await waitForStatus(world.api, created.id, ['ready'], 30_000);
    const { body: tenant } = await http<{ slug: string }>(world.api, 'GET', `/org/${created.id}`);
    const issued = await http<{ key: string }>(world.api, 'POST', `/org/${created.id}/api-keys`);
    expect(issued.status).toBe(201);
    return { id: created.id, slug: tenant.slug, dbName: created.dbName, key: issued.body.key };
  }

  /** A request for `tenant`, named by the X-Tenant-ID header (or by the /t/<slug> path with `via: 'path'`). */
  function as<T = any>(
    tenant: KeyedTenant,
    method: string,
    path: string,
    options: { json?: unknown; body?: string; headers?: Record<string, string>; via?: 'header' | 'path' } = {},
  ): Promise<HttpAnswer<T>> {
    const { via = 'header', headers, ...rest } = options;
    const named: Record<string, string> = via === 'header' ? { 'x-tenant-id': tenant.slug } : {};
    const url = via === 'header' ? path : `/t/${tenant.slug}${path}`;
    return http<T>(tenantApi, method, url, { ...rest, headers: { authorization: `Bearer ${tenant.key}`, ...named, ...headers } });
  }

  async function createUser(tenant: KeyedTenant, name: string, email: string): Promise<User> {
    const answer = await as<User>(tenant, 'POST', '/users', { json: { name, email } });
    expect(answer.status).toBe(201);
    return answer.body;
  }

  function expectError(answer: HttpAnswer, statusCode: number, error: string, message?: RegExp): void {
    expect({ status: answer.status, body: answer.body }).toEqual({
      status: statusCode,
      body: { statusCode, error, message: expect.anything() },
    });
    if (message) expect(JSON.stringify(answer.body.message)).toMatch(message);
  }

  beforeAll(async () => {
    tenantApi = await world.stack.startTenantApi();
    [acme, globex] = await Promise.all([keyedTenant('Acme Users'), keyedTenant('Globex Users')]);
  });

  describe('health', () => {
    it('answers /health and /health/live without credentials, with the pool figures', async () => {
      const live = await http(tenantApi, 'GET', '/health/live');
      expect(live).toMatchObject({ status: 200, body: { status: 'ok' } });

      const ready = await http(tenantApi, 'GET', '/health');
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({
        status: 'ok',
        info: {
          master_database: { status: 'up' },
          tenant_pools: {
            status: 'up',
            poolsOpen: expect.any(Number),
            poolsMax: 100,
            poolsDraining: expect.any(Number),
            connectionsOpen: expect.any(Number),
            connectionsInUse: expect.any(Number),
            connectionsMax: 200,
            evictions: expect.any(Number),
            waits: expect.any(Number),
            waitTimeouts: expect.any(Number),
          },
        },
      });
    });

    it('counts the pools of the tenants it has served', async () => {
      await as(acme, 'GET', '/users');
      await as(globex, 'GET', '/users', { via: 'path' });
      const { body } = await http(tenantApi, 'GET', '/health');
      expect(body.info.tenant_pools).toMatchObject({ poolsOpen: 2, poolsDraining: 0, evictions: 0, waitTimeouts: 0 });
      expect(body.info.tenant_pools.connectionsOpen).toBeGreaterThanOrEqual(2);
      expect(body.info.tenant_pools.connectionsOpen).toBeLessThanOrEqual(body.info.tenant_pools.connectionsMax);
    });
  });

  describe('credentials', () => {
    it('refuses /users with no key or a key for another tenant', async () => {
      expectError(await http(tenantApi, 'GET', '/users', { headers: { 'x-tenant-id': acme.slug } }), 401, 'Unauthorized');
      expectError(await http(tenantApi, 'GET', `/t/${acme.slug}/users`), 401, 'Unauthorized');
      expectError(await as(acme, 'GET', '/users', { headers: { authorization: `Bearer ${globex.key}` } }), 403, 'Forbidden');
    });
  });

  describe('/users', () => {
    it.each(['header', 'path'] as const)('creates, reads, changes and deletes a user (tenant named by %s)', async (via) => {
      const created = await as<User>(acme, 'POST', '/users', { json: { name: 'Ann', email: `ann.${via}@acme.test` }, via });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: expect.any(Number), name: 'Ann', email: `ann.${via}@acme.test` });
      const { id } = created.body;

      expect(await as(acme, 'GET', `/users/${id}`, { via })).toMatchObject({ status: 200, body: created.body });

      const renamed = await as(acme, 'PATCH', `/users/${id}`, { json: { name: 'Ann Smith' }, via });
      expect(renamed).toMatchObject({ status: 200, body: { id, name: 'Ann Smith', email: `ann.${via}@acme.test` } });
      const moved = await as(acme, 'PATCH', `/users/${id}`, { json: { email: `ann.smith.${via}@acme.test` }, via });
      expect(moved).toMatchObject({ status: 200, body: { id, name: 'Ann Smith', email: `ann.smith.${via}@acme.test` } });
      const both = await as(acme, 'PATCH', `/users/${id}`, { json: { name: 'A. Smith', email: `a.${via}@acme.test` }, via });
      expect(both).toMatchObject({ status: 200, body: { id, name: 'A. Smith', email: `a.${via}@acme.test` } });
      expect((await as(acme, 'GET', `/users/${id}`, { via })).body).toEqual(both.body);

      const deleted = await as(acme, 'DELETE', `/users/${id}`, { via });
      expect(deleted.status).toBe(204);
      expect(deleted.body).toBe('');
      expectError(await as(acme, 'GET', `/users/${id}`, { via }), 404, 'Not Found', new RegExp(`no user ${id}`));
      expectError(await as(acme, 'PATCH', `/users/${id}`, { json: { name: 'Ghost' }, via }), 404, 'Not Found');
      expectError(await as(acme, 'DELETE', `/users/${id}`, { via }), 404, 'Not Found');
    });

    it('writes to the tenant’s own database, as its own role: the header and the path see the same rows', async () => {
      const byHeader = await createUser(acme, 'Bob', 'bob@acme.test');
      expect((await as(acme, 'GET', `/users/${byHeader.id}`, { via: 'path' })).body).toEqual(byHeader);

      const rows = await world.stack.query<User>('SELECT id, name, email FROM users WHERE id = $1', [byHeader.id], acme.dbName);
      expect(rows).toEqual([byHeader]);
      // tenant-api's connections to the tenant's database log in as the tenant's role (named like its database).
      const sessions = await world.stack.query<{ usename: string }>(
        `SELECT usename FROM pg_stat_activity WHERE datname = $1 AND application_name = 'tenant-routing'`,
        [acme.dbName],
        'postgres',
      );
      expect(sessions.length).toBeGreaterThan(0);
      expect(new Set(sessions.map((session) => session.usename))).toEqual(new Set([acme.dbName]));
    });

    it('keeps each tenant’s users apart', async () => {
      const hidden = await createUser(globex, 'Gina', 'gina@globex.test');
      const seenByAcme = await as<{ items: User[] }>(acme, 'GET', '/users?limit=100');
      expect(seenByAcme.body.items.map((user) => user.email)).not.toContain('gina@globex.test');
      // Ids are per tenant: the same number may name another user, never Globex's one.
      const sameId = await as<User>(acme, 'GET', `/users/${hidden.id}`);
      if (sameId.status === 200) expect(sameId.body.email).not.toBe(hidden.email);
      else expect(sameId.status).toBe(404);
      // The same email is free in another tenant.
      await createUser(acme, 'Gina at Acme', 'gina@globex.test');
    });

    it('answers 409 for an email that is taken, on create and on change', async () => {
      const first = await createUser(acme, 'Carl', 'carl@acme.test');
      const second = await createUser(acme, 'Dora', 'dora@acme.test');

      const again = await as(acme, 'POST', '/users', { json: { name: 'Carl Again', email: 'carl@acme.test' } });
      expectError(again, 409, 'Conflict', /carl@acme\.test/);
      const viaPath = await as(acme, 'POST', '/users', { json: { name: 'Carl Again', email: 'carl@acme.test' }, via: 'path' });
      expectError(viaPath, 409, 'Conflict');

      expectError(await as(acme, 'PATCH', `/users/${second.id}`, { json: { email: first.email } }), 409, 'Conflict');
      expect((await as(acme, 'GET', `/users/${second.id}`)).body).toEqual(second);
      // Keeping one's own email is no conflict.
      expect((await as(acme, 'PATCH', `/users/${first.id}`, { json: { email: first.email } })).status).toBe(200);
    });

    it.each([
      ['no body', undefined, /body must be a JSON object/],
      ['an array', [{ name: 'Eve', email: 'eve@acme.test' }], /body must be a JSON object/],
      ['no name', { email: 'eve@acme.test' }, /name/],
      ['no email', { name: 'Eve' }, /email/],
      ['an empty name', { name: '  ', email: 'eve@acme.test' }, /name must not be empty/],
      ['a name of 201 characters', { name: 'x'.repeat(201), email: 'eve@acme.test' }, /at most 200/],
      ['a name that is not a string', { name: 42, email: 'eve@acme.test' }, /name must be a string/],
      ['an invalid email', { name: 'Eve', email: 'eve-at-acme' }, /email must be an email address/],
      ['an email past 254 characters', { name: 'Eve', email: `${'e'.repeat(64)}@${'d'.repeat(200)}.test` }, /at most 254/],
      ['an unknown field', { name: 'Eve', email: 'eve@acme.test', role: 'admin' }, /role/],
    ])('refuses to create a user from %s with 400', async (_case, json, message) => {
      const answer = await as(acme, 'POST', '/users', json === undefined ? {} : { json });
      expectError(answer, 400, 'Bad Request', message);
      const { body } = await as<{ items: User[] }>(acme, 'GET', '/users?limit=100');
      expect(body.items.map((user) => user.email)).not.toContain('eve@acme.test');
    });

    it('refuses a body that is not JSON with 415', async () => {
      const answer = await as(acme, 'POST', '/users', { body: 'name=Eve', headers: { 'content-type': 'text/plain' } });
      expectError(answer, 415, 'Unsupported Media Type');
    });

    it.each([
      ['an empty change', {}, /send name, email or both/],
      ['an unknown field', { role: 'admin' }, /role/],
      ['an id', { id: 7 }, /id/],
      ['an invalid email', { email: 'nope' }, /email must be an email address/],
      ['an empty name', { name: '' }, /name must not be empty/],
    ])('refuses to change a user with %s with 400', async (_case, json, message) => {
      const user = await createUser(acme, 'Fred', `fred.${Math.random().toString(36).slice(2)}@acme.test`);
      expectError(await as(acme, 'PATCH', `/users/${user.id}`, { json }), 400, 'Bad Request', message);
      expect((await as(acme, 'GET', `/users/${user.id}`)).body).toEqual(user);
    });

    it.each(['abc', '1.5', '1e3', '0', '-1', '2147483648', '99999999999'])('answers 400 for the id %s', async (id) => {
      for (const [method, json] of [['GET'], ['PATCH', { name: 'X' }], ['DELETE']] as const) {
        expectError(await as(acme, method, `/users/${id}`, json ? { json } : {}), 400, 'Bad Request', /id must be a whole number/);
      }
    });

    it('answers 404 for an id no user has', async () => {
      expectError(await as(acme, 'GET', '/users/2147483647'), 404, 'Not Found');
    });
  });

  describe('GET /users', () => {
    it('pages through the users by id, three pages with a cursor', async () => {
      // A tenant of its own, so the listing holds exactly the users made here.
      const initech = await keyedTenant('Initech Users');
      const empty = await as(initech, 'GET', '/users');
      expect(empty).toMatchObject({ status: 200, body: { items: [], nextCursor: null } });

      const users: User[] = [];
      for (let index = 0; index < 5; index += 1) users.push(await createUser(initech, `User ${index}`, `user${index}@initech.test`));

      const pages: User[][] = [];
      let after: number | null | undefined;
      for (let page = 0; page < 3; page += 1) {
        const query = after === undefined ? '?limit=2' : `?limit=2&after=${after}`;
        const answer = await as<{ items: User[]; nextCursor: number | null }>(initech, 'GET', `/users${query}`, {
          via: page === 1 ? 'path' : 'header',
        });
        expect(answer.status).toBe(200);
        expect(Object.keys(answer.body).sort()).toEqual(USER_PAGE_KEYS);
        pages.push(answer.body.items);
        after = answer.body.nextCursor;
        if (page < 2) expect(after).toBe(answer.body.items.at(-1)!.id);
      }
      expect(after).toBeNull();
      expect(pages.map((items) => items.length)).toEqual([2, 2, 1]);
      expect(pages.flat()).toEqual(users);

      // The default page holds them all; a cursor past the last id gives an empty last page.
      expect((await as(initech, 'GET', '/users')).body).toEqual({ items: users, nextCursor: null });
      expect((await as(initech, 'GET', `/users?after=${users.at(-1)!.id}`)).body).toEqual({ items: [], nextCursor: null });
      // Exactly `limit` users left: no further page is announced.
      expect((await as(initech, 'GET', `/users?limit=5`)).body).toEqual({ items: users, nextCursor: null });
    });

    it.each([
      ['limit=0', /limit must be at least 1/],
      ['limit=101', /limit must be at most 100/],
      ['limit=abc', /limit must be a whole number/],
      ['limit=1.5', /limit must be a whole number/],
      ['after=abc', /after must be a user id/],
      ['after=0', /after must be a user id/],
      ['after=-3', /after must be a user id/],
      ['limit=2&limit=3', /limit/],
      ['sort=name', /sort/],
    ])('answers 400 for ?%s', async (query, message) => {
      expectError(await as(acme, 'GET', `/users?${query}`), 400, 'Bad Request', message);
    });
  });
});

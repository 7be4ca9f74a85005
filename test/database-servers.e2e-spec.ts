import { randomBytes } from 'node:crypto';
import { CliBuild } from './support/cli-process';
import { http } from './support/http';
import { useRunningStack } from './support/running-stack';

/**
 * The servers registry as operators see it: the admin api's /servers routes, the server a tenant
 * is placed on, and `tenants servers …`, against the real master and PostgreSQL. No worker runs:
 * placement is checked in master's rows, and every server but `default` stays out of placement
 * (disabled or draining), since they point at this same PostgreSQL under other names.
 */
describe('database servers', () => {
  const world = useRunningStack({}, 0);
  const { stack } = world;
  const cli = new CliBuild();
  const password = randomBytes(12).toString('hex');
  const role = (suffix: string) => `${stack.id}_${suffix}`;
  const loginUrl = (suffix: string, port = 5432) => `postgres://${role(suffix)}:${password}@127.0.0.1:${port}/postgres`;
  const api = (method: string, path: string, json?: unknown) => http(world.api, method, path, { json });
  /** Every answer is checked for the password: bodies, messages, CLI output. */
  const withoutPassword = <T>(answer: T): T => {
    expect(JSON.stringify(answer)).not.toContain(password);
    return answer;
  };

  beforeAll(async () => {
    // Roles named with the stack's id are dropped by its teardown.
    await stack.query(
      `CREATE ROLE "${role('provisioner')}" LOGIN CREATEDB CREATEROLE PASSWORD '${password}';
       CREATE ROLE "${role('weak')}" LOGIN PASSWORD '${password}';
       CREATE ROLE "${role('shut')}" NOLOGIN CREATEDB CREATEROLE PASSWORD '${password}'`,
      [],
      'postgres',
    );
  });
  afterAll(() => cli.remove());

  it('lists default with its tenants, its address from TENANT_DATABASE_URL (null), reachable', async () => {
    const created = await Promise.all(['Alpha Co', 'Beta Co'].map((name) => api('POST', '/org/create', { name })));
    expect(created.map((answer) => [answer.status, answer.body.server])).toEqual([
      [202, 'default'],
      [202, 'default'],
    ]);
    const { body } = await api('GET', '/servers');
    expect(body).toEqual({
      items: [
        {
          name: 'default',
          address: null,
          capacity: 10_000,
          tenants: 2,
          free: 9_998,
          state: 'active',
          reachable: true,
          unreachableReason: null,
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
        },
      ],
    });
    const id = created[0]!.body.id as string;
    const [status, full] = await Promise.all([api('GET', `/org/${id}/status`), api('GET', `/org/${id}`)]);
    expect([status.body.server, full.body.server]).toEqual(['default', 'default']);
  });

  it('POST /servers registers a server once its login was tried: 201, listed, reachable, no credentials anywhere', async () => {
    const added = withoutPassword(await api('POST', '/servers', { name: 'pg-two', url: loginUrl('provisioner'), capacity: 5 }));
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ name: 'pg-two', capacity: 5, tenants: 0, free: 5, state: 'active', reachable: true });
    expect(added.body.address).toBe('postgres://127.0.0.1:5432');
    // Out of placement at once: the worker side cannot provision on another server yet.
    expect((await api('PATCH', '/servers/pg-two', { state: 'disabled' })).body.state).toBe('disabled');

    const [list, one] = await Promise.all(
      [api('GET', '/servers'), api('GET', '/servers/pg-two')].map((answer) => answer.then(withoutPassword)),
    );
    expect(list!.body.items.map((server: { name: string }) => server.name)).toEqual(['default', 'pg-two']);
    expect(one!.body).toMatchObject({ name: 'pg-two', state: 'disabled', reachable: true, unreachableReason: null });
    const [row] = await stack.query<{ admin_url_sealed: string }>(
      `SELECT admin_url_sealed FROM database_servers WHERE name = 'pg-two'`,
    );
    expect(row!.admin_url_sealed).not.toContain(password);
  });

  it('refuses a login that fails or lacks rights with 400 saying why, never quoting the URL', async () => {
    // The shared server trusts 127.0.0.1, so a wrong password is let in here: refusals come from the role or the port.
    const refusals = [
      ['pg-weak', loginUrl('weak'), /lacks CREATEDB and CREATEROLE/],
      ['pg-shut', loginUrl('shut'), /could not log in \(role ".*_shut" is not permitted to log in\)/],
      ['pg-ghost', loginUrl('ghost'), /could not log in \(role ".*_ghost" does not exist\)/],
      ['pg-closed', loginUrl('provisioner', 1), /could not log in \(connect ECONNREFUSED 127\.0\.0\.1:1\)/],
      ['pg-param', `postgres://${role('provisioner')}@127.0.0.1:5432/postgres?password=${password}`, /password before the @/],
    ] as const;
    for (const [name, url, reason] of refusals) {
      const answer = withoutPassword(await api('POST', '/servers', { name, url, capacity: 3 }));
      expect({ name, status: answer.status }).toEqual({ name, status: 400 });
      expect(String(answer.body.message)).toMatch(reason);
    }
    const invalid = await Promise.all(
      [
        [{ name: 'Pg_2', url: loginUrl('provisioner'), capacity: 3 }, /name: a server name is 1 to 40 lowercase/],
        [
          { name: 'pg-3', url: `mysql://u:${password}@127.0.0.1/x`, capacity: 3 },
          /url must be a postgres:\/\/ or postgresql:\/\/ URL/,
        ],
        [{ name: 'pg-3', url: loginUrl('provisioner'), capacity: 0 }, /capacity must be at least 1/],
        [{ name: 'pg-3', url: loginUrl('provisioner'), capacity: 2.5 }, /capacity must be a whole number/],
        [{ name: 'pg-3', capacity: 3 }, /url is required/],
        [{ name: 'pg-3', url: loginUrl('provisioner'), capacity: 3, ssl: true }, /Unrecognized key/],
      ].map(async ([body, message]) => ({
        answer: withoutPassword(await api('POST', '/servers', body)),
        message: message as RegExp,
      })),
    );
    for (const { answer, message } of invalid) {
      expect(answer.status).toBe(400);
      expect(JSON.stringify(answer.body.message)).toMatch(message);
    }
    expect((await api('GET', '/servers')).body.items).toHaveLength(2);
  });

  it('a name taken is 409; an unknown server 404', async () => {
    const [again, defaultAgain, unknown, patchUnknown] = await Promise.all([
      api('POST', '/servers', { name: 'pg-two', url: loginUrl('provisioner'), capacity: 5 }),
      api('POST', '/servers', { name: 'default', url: loginUrl('provisioner'), capacity: 5 }),
      api('GET', '/servers/pg-nine'),
      api('PATCH', '/servers/pg-nine', { state: 'active' }),
    ]);
    expect([again.status, defaultAgain.status, unknown.status, patchUnknown.status]).toEqual([409, 409, 404, 404]);
    expect(again.body.message).toBe('a database server named "pg-two" is registered already');
    expect(unknown.body.message).toMatch(/no database server named "pg-nine"/);
  });

  it('PATCH changes state and capacity; never a capacity below the tenants on the server', async () => {
    const draining = await api('PATCH', '/servers/pg-two', { state: 'draining', capacity: 7 });
    expect(draining.status).toBe(200);
    expect(draining.body).toMatchObject({ name: 'pg-two', state: 'draining', capacity: 7, free: 7, reachable: true });
    const [below, empty, badState, badCapacity] = await Promise.all([
      api('PATCH', '/servers/default', { capacity: 1 }),
      api('PATCH', '/servers/pg-two', {}),
      api('PATCH', '/servers/pg-two', { state: 'retired' }),
      api('PATCH', '/servers/pg-two', { capacity: -1 }),
    ]);
    expect(below).toMatchObject({
      status: 400,
      body: { message: expect.stringMatching(/holds 2 tenant databases, more than a capacity of 1/) },
    });
    expect(empty).toMatchObject({ status: 400, body: { message: ['send capacity, state or both'] } });
    expect(badState).toMatchObject({ status: 400, body: { message: ['state: state must be one of active, draining, disabled'] } });
    expect(badCapacity.status).toBe(400);
    expect((await api('PATCH', '/servers/pg-two', { state: 'disabled' })).body.state).toBe('disabled');
  });

  describe('placement of a new tenant', () => {
    afterAll(() => api('PATCH', '/servers/default', { capacity: 10_000 }));

    it('refuses a server that takes none (409) or does not exist (404), and an empty name (400)', async () => {
      const [disabled, unknown, empty] = await Promise.all([
        api('POST', '/org/create', { name: 'On Disabled', server: 'pg-two' }),
        api('POST', '/org/create', { name: 'On Nowhere', server: 'pg-nine' }),
        api('POST', '/org/create', { name: 'On Empty', server: '' }),
      ]);
      expect(disabled).toMatchObject({
        status: 409,
        body: { server: 'pg-two', message: expect.stringMatching(/"pg-two" is disabled/) },
      });
      expect(unknown).toMatchObject({ status: 404, body: { server: 'pg-nine' } });
      expect(empty.status).toBe(400);
      expect(await stack.query(`SELECT id FROM tenants WHERE slug LIKE 'on_%'`)).toEqual([]);
    });

    it('with every active server full: 503 with the tenant recorded unplaced and where to follow it', async () => {
      expect((await api('PATCH', '/servers/default', { capacity: 3 })).status).toBe(200);
      const last = await api('POST', '/org/create', { name: 'Last Seat', server: 'default' });
      expect(last).toMatchObject({ status: 202, body: { server: 'default' } });
      const [named, full] = await Promise.all([
        api('POST', '/org/create', { name: 'Named Full', server: 'default' }),
        api('POST', '/org/create', { name: 'No Room' }),
      ]);
      expect(named).toMatchObject({ status: 409, body: { message: expect.stringMatching(/"default" is at its capacity/) } });
      expect(full.status).toBe(503);
      expect(full.body).toMatchObject({ tenantId: expect.any(String), statusUrl: `/org/${full.body.tenantId}/status` });
      expect(full.body.message).toMatch(/every active database server is at its capacity/);
      expect(await stack.query('SELECT slug, server, status FROM tenants WHERE id = $1', [full.body.tenantId])).toEqual([
        { slug: 'no_room', server: null, status: 'pending' },
      ]);
      expect((await api('GET', full.body.statusUrl)).body).toMatchObject({ server: null, status: 'pending' });
    });
  });

  describe('tenants servers …', () => {
    const tenants = (...args: string[]) => cli.run(stack, args).then(withoutPassword);

    it("list --json gives the api's items; show one; an unknown one is exit 1", async () => {
      const [list, show, unknown] = await Promise.all([
        tenants('servers', 'list', '--json'),
        tenants('servers', 'show', 'pg-two', '--json'),
        tenants('servers', 'show', 'pg-nine'),
      ]);
      expect(list.code).toBe(0);
      expect(JSON.parse(list.stdout).items).toEqual([
        expect.objectContaining({ name: 'default', address: null, tenants: 3, reachable: true }),
        expect.objectContaining({ name: 'pg-two', address: 'postgres://127.0.0.1:5432', state: 'disabled', reachable: true }),
      ]);
      expect(JSON.parse(show.stdout)).toMatchObject({ name: 'pg-two', capacity: 7, tenants: 0, free: 7 });
      expect(unknown).toMatchObject({
        code: 1,
        stdout: '',
        stderr: expect.stringMatching(/^error: no database server named "pg-nine"/),
      });
    });

    it('add refuses a login without rights (exit 2) or a missing option (exit 2), adds one that has them, never printing the URL', async () => {
      const [weak, noCapacity] = await Promise.all([
        tenants('servers', 'add', 'pg-weak', '--url', loginUrl('weak'), '--capacity', '3'),
        tenants('servers', 'add', 'pg-weak', '--url', loginUrl('weak')),
      ]);
      expect(weak).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/lacks CREATEDB and CREATEROLE/) });
      expect(noCapacity).toMatchObject({ code: 2, stderr: expect.stringMatching(/required option '--capacity <n>'/) });

      const added = await tenants('servers', 'add', 'pg-three', '--url', loginUrl('provisioner'), '--capacity', '2');
      expect(added.code).toBe(0);
      expect(added.stdout).toMatch(/^name: +pg-three$/m);
      expect((await tenants('servers', 'disable', 'pg-three', '--json')).stdout).toMatch(/"state": "disabled"/);
    });

    it('add takes the URL from the environment variable --url-from-env names, and exactly one of the two ways', async () => {
      const fromEnv = (...args: string[]) => cli.run(stack, args, { PG_FOUR_URL: loginUrl('provisioner') }).then(withoutPassword);
      const [both, neither, unset] = await Promise.all([
        fromEnv('servers', 'add', 'pg-four', '--url', loginUrl('provisioner'), '--url-from-env', 'PG_FOUR_URL', '--capacity', '2'),
        fromEnv('servers', 'add', 'pg-four', '--capacity', '2'),
        fromEnv('servers', 'add', 'pg-four', '--url-from-env', 'PG_NOT_SET', '--capacity', '2'),
      ]);
      for (const refused of [both, neither]) {
        expect(refused).toMatchObject({
          code: 2,
          stdout: '',
          stderr: expect.stringMatching(/exactly one of --url and --url-from-env/),
        });
      }
      expect(unset).toMatchObject({ code: 2, stderr: expect.stringMatching(/PG_NOT_SET named by --url-from-env is not set/) });

      const added = await fromEnv('servers', 'add', 'pg-four', '--url-from-env', 'PG_FOUR_URL', '--capacity', '2', '--json');
      expect(added.code).toBe(0);
      expect(JSON.parse(added.stdout)).toMatchObject({ name: 'pg-four', address: 'postgres://127.0.0.1:5432', capacity: 2 });
      expect((await tenants('servers', 'disable', 'pg-four')).code).toBe(0);
    });

    it('drain, enable, update: the list shows each change', async () => {
      expect((await tenants('servers', 'drain', 'pg-two')).code).toBe(0);
      const list = await tenants('servers', 'list');
      expect(list.stdout).toMatch(/^NAME +STATE +TENANTS +REACHABLE +ADDRESS\n/);
      expect(list.stdout).toMatch(/^default +active +3\/10000 +yes +\(TENANT_DATABASE_URL\)$/m);
      expect(list.stdout).toMatch(/^pg-two +draining +0\/7 +yes +postgres:\/\/127\.0\.0\.1:5432$/m);

      const [enabled, updated, below] = await Promise.all([
        tenants('servers', 'enable', 'default', '--json'),
        tenants('servers', 'update', 'pg-two', '--capacity', '9', '--json'),
        tenants('servers', 'update', 'default', '--capacity', '1'),
      ]);
      expect(JSON.parse(enabled.stdout)).toMatchObject({ name: 'default', state: 'active' });
      expect(JSON.parse(updated.stdout)).toMatchObject({ name: 'pg-two', state: 'draining', capacity: 9 });
      expect(below).toMatchObject({ code: 2, stderr: expect.stringMatching(/holds 3 tenant databases/) });
    });

    it('create --server places a tenant on the server named, or says why not', async () => {
      const [draining, placed] = await Promise.all([
        tenants('create', 'Cli Draining', '--server', 'pg-two'),
        tenants('create', 'Cli Default', '--server', 'default', '--json'),
      ]);
      expect(draining).toMatchObject({ code: 1, stderr: expect.stringMatching(/"pg-two" is draining/) });
      expect(JSON.parse(placed.stdout)).toMatchObject({ slug: 'cli_default', server: 'default', status: 'pending' });
      expect((await tenants('show', 'cli_default')).stdout).toMatch(/^server: +default$/m);
    });
  });
});

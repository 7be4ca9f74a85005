import { http } from './support/http';
import { useRunningStack } from './support/running-stack';

const ADMIN_API_KEY = 'test-admin-key-0123456789';
const WRONG_KEY = 'wrong-key-wrong-key';

describe('access control and rate limiting', () => {
  const world = useRunningStack({ ADMIN_API_KEY, CREATE_RATE_LIMIT: '3' }, 0);
  const { stack } = world;
  const admin = { authorization: `Bearer ${ADMIN_API_KEY}` };

  it('refuses /org without the admin key, with a wrong key, or with another scheme', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: `Bearer ${WRONG_KEY}` },
      { authorization: `Basic ${ADMIN_API_KEY}` },
    ];
    for (const headers of attempts) {
      const answer = await http(world.api, 'GET', '/org', { headers });
      expect(answer.status).toBe(401);
      expect(answer.body.message).toMatch(/ADMIN_API_KEY|admin API key/);
    }
    const create = await http(world.api, 'POST', '/org/create', { json: { name: 'Sneaky' } });
    expect(create.status).toBe(401);
    expect(await stack.query('SELECT id FROM tenants')).toEqual([]);
  });

  it('lets the admin key in and keeps /health open', async () => {
    expect((await http(world.api, 'GET', '/org', { headers: admin })).status).toBe(200);
    expect((await http(world.api, 'GET', '/health')).status).toBe(200);
    expect((await http(world.api, 'GET', '/health/live')).status).toBe(200);
  });

  it('answers 429 beyond CREATE_RATE_LIMIT creations a minute, counted across api processes', async () => {
    const apis = [world.api, await stack.startApi()];
    const statuses: number[] = [];
    for (let index = 0; index < 4; index += 1) {
      const api = apis[index % 2]!;
      const answer = await http(api, 'POST', '/org/create', { json: { name: `Rate ${index}` }, headers: admin });
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([202, 202, 202, 429]);
    // Reads are not limited.
    expect((await http(world.api, 'GET', '/org', { headers: admin })).status).toBe(200);
  });
});

describe('failed authentication', () => {
  const world = useRunningStack({ ADMIN_API_KEY, AUTH_FAILURE_LIMIT: '3', TRUST_PROXY: 'true' }, 0);
  let otherApi: string;
  beforeAll(async () => {
    otherApi = await world.stack.startApi();
  });

  /** A request from `client`, as the trusted proxy in front of the api reports it. */
  const from = (api: string, client: string, key?: string) =>
    http(api, 'GET', '/org', {
      headers: { 'x-forwarded-for': client, ...(key === undefined ? {} : { authorization: `Bearer ${key}` }) },
    });

  it('answers 429 beyond AUTH_FAILURE_LIMIT failures a minute, counted across api processes, then even to the right key', async () => {
    const client = '203.0.113.7';
    expect((await from(world.api, client, WRONG_KEY)).status).toBe(401);
    expect((await from(otherApi, client, WRONG_KEY)).status).toBe(401);
    expect((await from(world.api, client)).status).toBe(401);

    const blocked = await from(otherApi, client, WRONG_KEY);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThanOrEqual(59);
    expect(Number(blocked.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(blocked.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    expect(blocked.body.message).toMatch(/AUTH_FAILURE_LIMIT/);
    expect((await from(otherApi, client, ADMIN_API_KEY)).status).toBe(429);

    // The first process learns of the block from Redis at the client's next failure.
    expect((await from(world.api, client, WRONG_KEY)).status).toBe(429);
    const rightKey = await from(world.api, client, ADMIN_API_KEY);
    expect(rightKey.status).toBe(429);
    expect(Number(rightKey.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('counts each client apart, by the address a trusted proxy forwards', async () => {
    for (let attempt = 0; attempt < 4; attempt += 1) await from(world.api, '203.0.113.8', WRONG_KEY);
    expect((await from(world.api, '203.0.113.9', ADMIN_API_KEY)).status).toBe(200);
    expect((await from(world.api, '203.0.113.9', WRONG_KEY)).status).toBe(401);
  });
});

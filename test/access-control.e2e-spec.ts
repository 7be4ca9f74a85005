import { http } from './support/http';
import { useRunningStack } from './support/running-stack';

const ADMIN_API_KEY = 'test-admin-key-0123456789';

describe('access control and rate limiting', () => {
  const world = useRunningStack({ ADMIN_API_KEY, CREATE_RATE_LIMIT: '3' }, 0);
  const { stack } = world;
  const admin = { authorization: `Bearer ${ADMIN_API_KEY}` };

  it('refuses /org without the admin key, with a wrong key, or with another scheme', async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-key-wrong-key' },
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

  it('answers 429 beyond CREATE_RATE_LIMIT creations a minute', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 4; index += 1) {
      const answer = await http(world.api, 'POST', '/org/create', { json: { name: `Rate ${index}` }, headers: admin });
      statuses.push(answer.status);
    }
    expect(statuses).toEqual([202, 202, 202, 429]);
    // Reads are not limited.
    expect((await http(world.api, 'GET', '/org', { headers: admin })).status).toBe(200);
  });
});

import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { tenantStatusChannel } from '@app/tenancy';
import IORedis from 'ioredis';
import { createApiApp } from '../apps/api/src/api.app';
import { TenantStatusFeed } from '../apps/api/src/events/tenant-status.feed';
import { http } from './support/http';
import { TcpProxy } from './support/tcp-proxy';
import { TestStack } from './support/test-stack';
import { waitFor } from './support/wait-for';

const ADMIN_API_KEY = 'test-admin-key-0123456789';

/** The api reaches Redis through a proxy the test cuts and restores. */
describe('Redis unavailable to the api for a while', () => {
  const proxy = new TcpProxy('127.0.0.1', 6379);
  let stack: TestStack;
  let app: NestFastifyApplication;
  let api: string;
  const admin = { authorization: `Bearer ${ADMIN_API_KEY}` };

  beforeAll(async () => {
    const port = await proxy.listen();
    stack = new TestStack({
      REDIS_URL: `redis://127.0.0.1:${port}`,
      ADMIN_API_KEY,
      CREATE_RATE_LIMIT: '5',
      AUTH_FAILURE_LIMIT: '2',
    });
    app = await createApiApp(stack.config);
    await app.listen(0, '127.0.0.1');
    api = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    proxy.restore();
    await app.close();
    await stack.teardown();
    await proxy.close();
  });

  it('counts no rate limit meanwhile: a tenant is still recorded (503 for the queue), wrong keys get 401', async () => {
    proxy.sever();

    const create = await http(api, 'POST', '/org/create', { json: { name: 'Outage Co' }, headers: admin });
    expect(create.status).toBe(503);
    expect(create.body.message).toMatch(/job queue \(Redis\) is unavailable/);
    expect(await stack.query('SELECT name FROM tenants')).toEqual([{ name: 'Outage Co' }]);

    for (let attempt = 0; attempt < 4; attempt += 1) {
      expect((await http(api, 'GET', '/org', { headers: { authorization: 'Bearer wrong-key-wrong-key' } })).status).toBe(401);
    }
    expect((await http(api, 'GET', '/org', { headers: admin })).status).toBe(200);
  });

  it('hears tenant events again once Redis is back', async () => {
    proxy.restore();
    const heard = jest.spyOn(app.get(TenantStatusFeed), 'push');
    const channel = tenantStatusChannel(stack.config.redis.prefix);
    const event = { tenantId: '00000000-0000-4000-8000-000000000000', status: 'ready' };
    const redis = new IORedis(6379, '127.0.0.1');
    try {
      await waitFor(
        'the api to hear an event',
        async () => {
          await redis.publish(channel, JSON.stringify({ pattern: channel, data: event }));
          await new Promise((resolve) => setTimeout(resolve, 100));
          return heard.mock.calls.length > 0 || undefined;
        },
        15_000,
      );
    } finally {
      redis.disconnect();
    }
    expect(heard).toHaveBeenCalledWith(event);
  });
});

import { http } from './support/http';
import { TcpProxy } from './support/tcp-proxy';
import { createOrg, waitForStatus } from './support/tenant-client';
import { TestStack } from './support/test-stack';
import { waitFor } from './support/wait-for';

/** The api and the worker reach PostgreSQL through a proxy the test cuts and restores. */
describe('PostgreSQL unavailable for a while', () => {
  const proxy = new TcpProxy('127.0.0.1', 5432);
  let stack: TestStack;
  let api: string;

  beforeAll(async () => {
    const port = await proxy.listen();
    stack = new TestStack({ PROVISION_ATTEMPTS: '2', PROVISION_BACKOFF_MS: '100' }, `postgres://postgres@127.0.0.1:${port}/postgres`);
    api = await stack.startApi();
    await stack.startWorker();
  });
  afterAll(async () => {
    proxy.restore();
    await stack.teardown();
    await proxy.close();
  });

  it('answers 503 with a clear message, says which dependency is down, and finishes every tenant once it is back', async () => {
    const submitted = await Promise.all(['Outage A', 'Outage B', 'Outage C', 'Outage D'].map((name) => createOrg(api, name)));
    proxy.sever();

    const create = await http(api, 'POST', '/org/create', { json: { name: 'During Outage' } });
    expect(create.status).toBe(503);
    expect(create.body.message).toMatch(/master database is unavailable/);
    expect(JSON.stringify(create.body)).not.toMatch(/at .*\.js|stack/);

    const health = await http(api, 'GET', '/health');
    expect(health.status).toBe(503);
    expect(health.body.details.master_database.status).toBe('down');
    expect(health.body.details.redis.status).toBe('up');

    // Longer than all attempts with their backoff would last: the outage must not spend them.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    proxy.restore();

    const settled = await Promise.all(submitted.map((tenant) => waitForStatus(api, tenant.id, ['ready', 'failed'], 30_000)));
    expect(settled.map((tenant) => tenant.status)).toEqual(['ready', 'ready', 'ready', 'ready']);
    await waitFor('the api to be healthy again', async () => ((await http(api, 'GET', '/health')).status === 200 ? true : undefined));
    expect((await http(api, 'POST', '/org/create', { json: { name: 'After Outage' } })).status).toBe(202);
  });
});

import { createOrg, waitForStatus } from './support/tenant-client';
import { TestStack } from './support/test-stack';

describe('two workers side by side', () => {
  const stack = new TestStack({ WORKER_CONCURRENCY: '4' });
  let api: string;

  beforeAll(async () => {
    api = await stack.startApi();
    await stack.startWorker();
    await stack.startWorker();
  });
  afterAll(() => stack.teardown());

  it('provision 20 tenants, each database exactly once', async () => {
    const names = Array.from({ length: 20 }, (_, index) => `Parallel Tenant ${index}`);
    const created = await Promise.all(names.map((name) => createOrg(api, name)));
    const settled = await Promise.all(created.map((tenant) => waitForStatus(api, tenant.id, ['ready', 'failed'], 60_000)));

    expect(settled.map((tenant) => tenant.status)).toEqual(names.map(() => 'ready'));
    // One attempt each: no tenant was worked on twice.
    expect(settled.map((tenant) => tenant.attempts)).toEqual(names.map(() => 1));
    expect(await stack.tenantDatabases()).toEqual(created.map((tenant) => tenant.dbName).sort());
  });
});

import { createOrg, waitForStatus } from './support/tenant-client';
import { useRunningStack } from './support/running-stack';

describe('two workers side by side', () => {
  const world = useRunningStack({ WORKER_CONCURRENCY: '4' }, 2);
  const { stack } = world;

  it('provision 20 tenants, each database exactly once', async () => {
    const names = Array.from({ length: 20 }, (_, index) => `Parallel Tenant ${index}`);
    const created = await Promise.all(names.map((name) => createOrg(world.api, name)));
    const settled = await Promise.all(created.map((tenant) => waitForStatus(world.api, tenant.id, ['ready', 'failed'], 60_000)));

    expect(settled.map((tenant) => tenant.status)).toEqual(names.map(() => 'ready'));
    // One attempt each: no tenant was worked on twice.
    expect(settled.map((tenant) => tenant.attempts)).toEqual(names.map(() => 1));
    expect(await stack.tenantDatabases()).toEqual(created.map((tenant) => tenant.dbName).sort());
  });
});

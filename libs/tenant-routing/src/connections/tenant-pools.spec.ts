import type { AppConfig, TenantRoleLogin } from '@app/tenancy';
import { PooledTenant, TenantPools } from './tenant-pools';

const routing = {
  poolMax: 2,
  poolIdleMs: 10_000,
  poolsMax: 2,
  connectionsMax: 10,
  connectionWaitMs: 100,
} as AppConfig['tenantRouting'];

const login = {
  url: async (tenant: PooledTenant) => `postgres://${tenant.dbRole}:secret@127.0.0.1:1/${tenant.dbName}`,
} as unknown as TenantRoleLogin;

function tenant(name: string, sealedPassword = 'v2.sealed'): PooledTenant {
  return { id: `id-${name}`, dbName: name, dbRole: name, dbPasswordEncrypted: sealedPassword, server: 'default' };
}

// Building a pool opens no connection (min 0), so these run without a server.
describe('TenantPools', () => {
  let pools: TenantPools;

  beforeEach(() => {
    pools = new TenantPools({ tenantRouting: routing }, login);
  });
  afterEach(() => pools.onApplicationShutdown());

  it('gives concurrent first requests for one tenant one pool', () => {
    const [first, second] = [pools.lease(tenant('a')), pools.lease(tenant('a'))];
    expect(second.knex).toBe(first.knex);
    expect(pools.stats().poolsOpen).toBe(1);
  });

  it('keeps at most TENANT_POOLS_MAX pools, retiring the least recently used', () => {
    const a = pools.lease(tenant('a'));
    pools.lease(tenant('b')).release();
    pools.lease(tenant('a')).release(); // a is now the most recently used
    pools.lease(tenant('c')).release();
    expect(pools.stats()).toMatchObject({ poolsOpen: 2, evictions: 1 });
    // b was evicted and had no lease: it closes at once. a survived and keeps its pool.
    expect(pools.lease(tenant('a')).knex).toBe(a.knex);
  });

  it('keeps an evicted pool draining until its last lease is given back', async () => {
    const held = pools.lease(tenant('a'));
    pools.lease(tenant('b')).release();
    pools.lease(tenant('c')).release();
    expect(pools.stats()).toMatchObject({ poolsOpen: 2, poolsDraining: 1 });
    expect(pools.lease(tenant('a')).knex).not.toBe(held.knex);
    held.release();
    held.release(); // given back twice counts once
    await new Promise((resolve) => setImmediate(resolve));
    expect(pools.stats().poolsDraining).toBe(0);
  });

  it('opens a new pool when the tenant password changed, and retires the old one', () => {
    const before = pools.lease(tenant('a', 'v2.old'));
    const after = pools.lease(tenant('a', 'v2.new'));
    expect(after.knex).not.toBe(before.knex);
    expect(pools.stats()).toMatchObject({ poolsOpen: 1, poolsDraining: 1, evictions: 0 });
  });

  it('retires a tenant on demand (credentials rotated, no longer ready)', () => {
    pools.lease(tenant('a')).release();
    pools.retire('id-a');
    expect(pools.stats().poolsOpen).toBe(0);
  });
});

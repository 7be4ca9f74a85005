import type { Tenant, TenantRepository } from '@app/tenancy';
import { TenantReads } from './tenant-reads';

describe('TenantReads', () => {
  let status: Tenant['status'];
  let reads: number;
  const repository = {
    getById: async (id: string) => {
      reads += 1;
      return { id, status } as Tenant;
    },
  } as unknown as TenantRepository;

  beforeEach(() => {
    reads = 0;
    jest.useFakeTimers();
  });
  afterEach(() => jest.useRealTimers());

  it('always reads an unsettled tenant from the registry', async () => {
    status = 'provisioning';
    const cache = new TenantReads(repository);
    await cache.get('a');
    await cache.get('a');
    expect(reads).toBe(2);
  });

  it('answers a ready tenant from memory for up to a second', async () => {
    status = 'ready';
    const cache = new TenantReads(repository);
    await cache.get('a');
    await cache.get('a');
    expect(reads).toBe(1);
    jest.advanceTimersByTime(1001);
    await cache.get('a');
    expect(reads).toBe(2);
    cache.forget('a');
    await cache.get('a');
    expect(reads).toBe(3);
  });
});

import type { Tenant, TenantRepository, TenantStatusEvent } from '@app/tenancy';
import { Subscription } from 'rxjs';
import { TenantStatusFeed } from './tenant-status.feed';

describe('TenantStatusFeed', () => {
  let rows: Map<string, Tenant>;
  let reads: string[];
  let feed: TenantStatusFeed;
  let subscriptions: Subscription[];

  const tenant = (id: string, status: Tenant['status'], updatedAt = 0) => ({ id, status, updatedAt: new Date(updatedAt) }) as Tenant;
  const watch = (id: string, seen: Tenant[] = []) => {
    subscriptions.push(feed.watch(rows.get(id)!).subscribe((view) => seen.push(view)));
    return seen;
  };
  const elapse = async (ms: number) => {
    jest.advanceTimersByTime(ms);
    await Promise.resolve();
  };

  beforeEach(() => {
    jest.useFakeTimers();
    rows = new Map([
      ['a', tenant('a', 'provisioning')],
      ['b', tenant('b', 'provisioning')],
    ]);
    reads = [];
    subscriptions = [];
    const repository = {
      getById: async (id: string) => {
        reads.push(id);
        return rows.get(id)!;
      },
    } as unknown as TenantRepository;
    feed = new TenantStatusFeed(repository);
  });
  afterEach(() => {
    subscriptions.forEach((subscription) => subscription.unsubscribe());
    jest.useRealTimers();
  });

  it('reads a tenant once per poll however many streams watch it', async () => {
    watch('a');
    watch('a');
    watch('a');
    watch('b');
    await elapse(1000);
    expect(reads.sort()).toEqual(['a', 'b']);
  });

  it('reads once per event for all the streams of its tenant', async () => {
    const first = watch('a');
    const second = watch('a');
    rows.set('a', tenant('a', 'ready', 1));
    feed.push({ tenantId: 'a', status: 'ready' } as TenantStatusEvent);
    await Promise.resolve();
    expect(reads).toEqual(['a']);
    expect(first.map((view) => view.status)).toEqual(['provisioning', 'ready']);
    expect(second.map((view) => view.status)).toEqual(['provisioning', 'ready']);
  });

  it('stops polling when the last stream of a tenant leaves, and starts again for a new one', async () => {
    watch('a');
    watch('a');
    subscriptions.splice(0).forEach((subscription) => subscription.unsubscribe());
    await elapse(3000);
    expect(reads).toEqual([]);
    watch('a');
    await elapse(1000);
    expect(reads).toEqual(['a']);
  });

  it('lets a stream that joins late share the poll of one still watching', async () => {
    watch('a');
    await elapse(1000);
    const late = watch('a');
    rows.set('a', tenant('a', 'failed', 2));
    await elapse(1000);
    expect(reads).toEqual(['a', 'a']);
    expect(late.map((view) => view.status)).toEqual(['provisioning', 'failed']);
  });
});

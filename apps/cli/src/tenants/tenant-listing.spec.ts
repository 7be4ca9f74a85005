import type { Tenant, TenantRepository } from '@app/tenancy';
import { TenantListing } from './tenant-listing';

/** A registry of `names`, newest first, paged by the repository's rules (after = the last id seen). */
function registry(names: string[]) {
  const tenants = names.map((name, index) => ({ id: `id-${index}`, name, slug: name.toLowerCase() }) as Tenant);
  const list = jest.fn(async ({ limit, after }: { limit: number; after?: string }) => {
    const start = after === undefined ? 0 : tenants.findIndex((tenant) => tenant.id === after) + 1;
    const page = tenants.slice(start, start + limit);
    return { tenants: page, nextCursor: start + limit < tenants.length ? page[page.length - 1]!.id : null };
  });
  return { listing: new TenantListing({ list } as unknown as TenantRepository), list };
}

describe('TenantListing', () => {
  it('without a search, is one page of the repository as it is', async () => {
    const { listing, list } = registry(['A', 'B', 'C']);
    expect(await listing.page({ limit: 2 })).toEqual({
      tenants: [expect.objectContaining({ name: 'A' }), expect.anything()],
      nextCursor: 'id-1',
    });
    expect(list).toHaveBeenCalledTimes(1);
  });

  it('with a search, keeps matches across scanned pages; its cursor is the last match, so nothing is skipped', async () => {
    const names = [...Array.from({ length: 600 }, (_, i) => `Other ${i}`), 'Acme One', 'Beta', 'ACME Two', 'acme three'];
    const { listing } = registry(names);
    const first = await listing.page({ search: 'acme', limit: 2 });
    expect(first.tenants.map((t) => t.name)).toEqual(['Acme One', 'ACME Two']);
    const second = await listing.page({ search: 'acme', limit: 2, after: first.nextCursor! });
    expect(second).toEqual({ tenants: [expect.objectContaining({ name: 'acme three' })], nextCursor: null });
  });

  it('pages() walks every page for --all', async () => {
    const { listing } = registry(['A', 'B', 'C']);
    const seen: string[] = [];
    for await (const page of listing.pages({ limit: 2 })) seen.push(...page.map((t) => t.name));
    expect(seen).toEqual(['A', 'B', 'C']);
  });
});

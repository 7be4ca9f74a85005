import { Injectable } from '@nestjs/common';
import { Tenant, TenantPage, TenantRepository, TenantStatus } from '@app/tenancy';

export interface ListingQuery {
  status?: TenantStatus;
  /** Part of the name or slug, any case. */
  search?: string;
  limit: number;
  /** The `nextCursor` of the previous page. */
  after?: string;
}

/** How many registry rows one round trip reads while searching. */
const SCAN_PAGE = 500;

/**
 * Pages of the registry, newest first, with the repository's keyset cursor. The registry has no
 * name search, so a search reads it in pages and keeps the matches; the cursor is then the last
 * match, so the next page starts right after it and skips nothing.
 */
@Injectable()
export class TenantListing {
  constructor(private readonly tenants: TenantRepository) {}

  async page(query: ListingQuery): Promise<TenantPage> {
    const { status, limit, after } = query;
    if (query.search === undefined) return this.tenants.list({ status, limit, after });
    const needle = query.search.toLowerCase();
    const matches: Tenant[] = [];
    let cursor = after;
    do {
      const scanned = await this.tenants.list({ status, limit: SCAN_PAGE, after: cursor });
      for (const tenant of scanned.tenants) {
        if (!tenant.name.toLowerCase().includes(needle) && !tenant.slug.includes(needle)) continue;
        matches.push(tenant);
        if (matches.length === limit) return { tenants: matches, nextCursor: tenant.id };
      }
      cursor = scanned.nextCursor ?? undefined;
    } while (cursor);
    return { tenants: matches, nextCursor: null };
  }

  /** Every page in turn, for `--all`. */
  async *pages(query: ListingQuery): AsyncGenerator<Tenant[]> {
    let after = query.after;
    do {
      const page = await this.page({ ...query, after });
      yield page.tenants;
      after = page.nextCursor ?? undefined;
    } while (after);
  }
}

import { TENANT_STATUSES, TenantStatus } from '@app/tenancy';
import { Command, Option } from 'nest-commander';
import { CliCommand, CommandOutcome } from '../command/cli-command';
import { nonEmpty, oneOf, uuid, wholeNumber } from '../command/option-values';
import { OutputMode, Terminal } from '../output/terminal';
import { TenantListing } from './tenant-listing';
import { tenantsText, tenantView } from './tenant.view';

interface ListOptions extends OutputMode {
  status?: TenantStatus;
  search?: string;
  limit?: number;
  after?: string;
  all?: boolean;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;

@Command({ name: 'list', description: 'list tenants, newest first, a page at a time' })
export class ListCommand extends CliCommand<ListOptions> {
  constructor(
    terminal: Terminal,
    private readonly listing: TenantListing,
  ) {
    super(terminal);
  }

  protected async execute(_args: string[], options: ListOptions): Promise<CommandOutcome> {
    const query = { status: options.status, search: options.search, limit: options.limit ?? DEFAULT_LIMIT, after: options.after };
    if (options.all) {
      const items = [];
      for await (const page of this.listing.pages(query)) items.push(...page.map(tenantView));
      return { data: { items, nextCursor: null }, text: tenantsText(items) };
    }
    const page = await this.listing.page(query);
    const items = page.tenants.map(tenantView);
    const more = page.nextCursor ? `\nmore: tenants list --after ${page.nextCursor}` : '';
    return { data: { items, nextCursor: page.nextCursor }, text: `${tenantsText(items)}${more}` };
  }

  @Option({ flags: '--status <status>', description: 'only tenants with this status', choices: [...TENANT_STATUSES] })
  parseStatus(value: string): TenantStatus {
    return oneOf(value, TENANT_STATUSES);
  }

  @Option({ flags: '--search <text>', description: 'only tenants whose name or slug contains this (any case)' })
  parseSearch(value: string): string {
    return nonEmpty(value);
  }

  @Option({ flags: '--limit <n>', description: `tenants per page, 1 to ${MAX_LIMIT} (default ${DEFAULT_LIMIT})` })
  parseLimit(value: string): number {
    return wholeNumber(value, 1, MAX_LIMIT);
  }

  @Option({ flags: '--after <cursor>', description: "start after this tenant id (the previous page's nextCursor)" })
  parseAfter(value: string): string {
    return uuid(value);
  }

  @Option({ flags: '--all', description: 'every page, not just the first' })
  parseAll(): boolean {
    return true;
  }
}

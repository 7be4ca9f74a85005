import { Injectable } from '@nestjs/common';
import { TenantError } from '../errors/tenant-error';
import { TenantRepository } from '../registry/tenant.repository';
import type { RolloutOptions } from './rollout';
import type { TenantSelection } from './rollout-selection';

const AT_ONCE = 16;
const NAMED_IN_ERROR = 10;

/** Turns the ids and slugs an operator named into tenant ids, in the order named, once each. */
@Injectable()
export class TenantReferences {
  constructor(private readonly tenants: TenantRepository) {}

  /** The tenants a migration rollout with these options covers: those named, else the ready ones (or those of `statuses`). */
  async selectionFor({ tenants, statuses }: Pick<RolloutOptions, 'tenants' | 'statuses'>): Promise<TenantSelection> {
    const tenantIds = tenants ? await this.resolve(tenants) : undefined;
    return { tenantIds, statuses: statuses ?? (tenantIds ? undefined : ['ready']) };
  }

  /** Every reference must name a tenant; the error lists those that do not. */
  async resolve(references: string[]): Promise<string[]> {
    const unique = [...new Set(references)];
    const found: (string | undefined)[] = [];
    for (let start = 0; start < unique.length; start += AT_ONCE) {
      const batch = unique.slice(start, start + AT_ONCE);
      found.push(...(await Promise.all(batch.map(async (reference) => (await this.tenants.findByReference(reference))?.id))));
    }
    const unknown = unique.filter((_, index) => found[index] === undefined);
    if (unknown.length) {
      const named = unknown.slice(0, NAMED_IN_ERROR).map((reference) => JSON.stringify(reference));
      const more = unknown.length > NAMED_IN_ERROR ? ` and ${unknown.length - NAMED_IN_ERROR} more` : '';
      throw TenantError.rolloutRejected(`no tenant with id or slug ${named.join(', ')}${more}`);
    }
    return [...new Set(found as string[])];
  }
}

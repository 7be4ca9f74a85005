import type { TenantStatus } from '../registry/tenant';

export interface TenantSelection {
  /** The tenants, in the order they are to be taken; absent: every tenant in `statuses`, oldest first. */
  tenantIds?: string[];
  /** Only tenants in these statuses (of those named, when `tenantIds` is given). */
  statuses?: TenantStatus[];
}

/**
 * The tenants a rollout covers, as `SELECT id, position`: those named, in the order named (of the
 * given statuses, when given), else every tenant of the statuses, oldest first.
 */
export function selection({ tenantIds, statuses }: TenantSelection): { sql: string; bindings: string[] } {
  if (!tenantIds) {
    return {
      sql: 'SELECT id, row_number() OVER (ORDER BY created_at, id) AS position FROM tenants WHERE status = ANY(?::text[])',
      bindings: [pgArray(statuses ?? ['ready'])],
    };
  }
  const named = `SELECT t.id, row_number() OVER (ORDER BY chosen.ord) AS position
                   FROM unnest(?::uuid[]) WITH ORDINALITY AS chosen(id, ord) JOIN tenants t ON t.id = chosen.id`;
  if (!statuses) return { sql: named, bindings: [pgArray(tenantIds)] };
  return { sql: `${named} WHERE t.status = ANY(?::text[])`, bindings: [pgArray(tenantIds), pgArray(statuses)] };
}

/** A PostgreSQL array literal: Knex would spread a JS array into a list of parameters. Values are uuids or enum words. */
function pgArray(values: readonly string[]): string {
  return `{${values.join(',')}}`;
}

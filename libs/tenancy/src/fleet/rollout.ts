import type { TenantStatus } from '../registry/tenant';

export const ROLLOUT_KINDS = ['migrate', 'rollback'] as const;
export type RolloutKind = (typeof ROLLOUT_KINDS)[number];

/** `stopped`: a failure ended it (resume retries); `cancelled`: someone did; `completed`: nothing left to do. */
export const ROLLOUT_STATES = ['running', 'stopped', 'completed', 'cancelled'] as const;
export type RolloutState = (typeof ROLLOUT_STATES)[number];

/**
 * One tenant's part: `pending` (recorded, not queued: after a canary, say), `queued`, `running`,
 * then `migrated` (for a rollback: its last batch undone), `skipped` (nothing to do), `failed`,
 * or `cancelled` (never touched: the rollout stopped or was cancelled first).
 */
export const ROLLOUT_TENANT_STATES = ['pending', 'queued', 'running', 'migrated', 'skipped', 'failed', 'cancelled'] as const;
export type RolloutTenantState = (typeof ROLLOUT_TENANT_STATES)[number];

/** The states of a tenant still to be dealt with; a rollout is over when none is left in them. */
export const UNSETTLED_TENANT_STATES = ['pending', 'queued', 'running'] as const satisfies readonly RolloutTenantState[];

export interface RolloutOptions {
  /** The first N tenants go alone; any failure among them stops the rollout before the rest is touched. */
  canary?: number;
  /** After the canary, a failed tenant is recorded and the rest goes on; without it, the first failure stops the rollout. */
  continueOnError?: boolean;
  /** Ids or slugs as given; absent: every tenant of `statuses`. */
  tenants?: string[];
  /** Absent: ready tenants. */
  statuses?: TenantStatus[];
}

export interface Rollout {
  id: string;
  kind: RolloutKind;
  /** The fingerprint of the tenant migrations a `migrate` rollout brings each tenant to; null for a rollback. */
  targetFingerprint: string | null;
  options: RolloutOptions;
  state: RolloutState;
  error: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

/** How many tenants are in each state; they add up to `total`. */
export type RolloutTotals = Record<'total' | RolloutTenantState, number>;

export interface RolloutTenant {
  tenantId: string;
  slug: string;
  position: number;
  state: RolloutTenantState;
  /** Migration names applied, in order (for a rollback: undone). */
  applied: string[];
  durationMs: number | null;
  error: string | null;
  updatedAt: Date;
}

export interface RolloutTenantPage {
  items: RolloutTenant[];
  /** The last position of this page, to pass as `after`; null on the last page. */
  nextCursor: number | null;
}

export interface RolloutReport extends Rollout {
  totals: RolloutTotals;
  tenants: RolloutTenantPage;
}

/** Whether a tenant at `position` is in the rollout's canary. */
export function inCanary(position: number, options: RolloutOptions): boolean {
  return options.canary !== undefined && position <= options.canary;
}

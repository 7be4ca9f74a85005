/**
 * The queue of fleet work: one job per tenant of a rollout. One queue serves the one tenant
 * server there is; with more, each server gets its own (`tenant-fleet-<server>`), so that each
 * worker's FLEET_MIGRATION_CONCURRENCY applies per server.
 */
export const FLEET_QUEUE = 'tenant-fleet';
export const ROLLOUT_TENANT_JOB = 'rollout-tenant';

/** Ids only: what to do, and whether it is still to be done, is read from master. */
export interface RolloutTenantJob {
  rolloutId: string;
  tenantId: string;
}

/** BullMQ forbids ':' in custom ids. One id per tenant and rollout makes a second enqueue a no-op. */
export function rolloutJobId(rolloutId: string, tenantId: string): string {
  return `rollout-${rolloutId}-${tenantId}`;
}

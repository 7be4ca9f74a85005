/**
 * The queue of fleet work: one job per tenant of a rollout, whatever the tenant's server. Each
 * worker runs FLEET_MIGRATION_CONCURRENCY of them at once, so a server sees at most that many
 * times the workers; a limit per server would take a queue per server.
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

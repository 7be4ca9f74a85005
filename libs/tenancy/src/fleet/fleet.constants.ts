/**
 * Fleet work runs on a queue per PostgreSQL server, so that BullMQ's global concurrency on each
 * queue (FLEET_MIGRATION_CONCURRENCY) bounds what every worker together does to one server, and a
 * server that is slow or away holds up only its own tenants.
 */
export function fleetQueueName(server: string): string {
  // Server names are lowercase letters, digits and dashes: never the ':' BullMQ forbids.
  return `tenant-fleet-${server}`;
}

export const ROLLOUT_TENANT_JOB = 'rollout-tenant';

/** Ids only: what to do, and whether it is still to be done, is read from master. */
export interface RolloutTenantJob {
  rolloutId: string;
  tenantId: string;
}

/** A tenant of a rollout, and the server whose queue takes its job. */
export interface RolloutJobTarget {
  tenantId: string;
  server: string;
}

/** BullMQ forbids ':' in custom ids. One id per tenant and rollout makes a second enqueue a no-op. */
export function rolloutJobId(rolloutId: string, tenantId: string): string {
  return `rollout-${rolloutId}-${tenantId}`;
}

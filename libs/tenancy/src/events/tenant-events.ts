import type { ProvisioningStep, TenantStatus } from '../registry/tenant';

/**
 * The Redis channel carrying every tenant status change: broadcast only, never relied on for
 * correctness. It carries QUEUE_PREFIX so deployments sharing a Redis do not hear each other.
 */
export function tenantStatusChannel(queuePrefix: string): string {
  return `${queuePrefix}:tenant.status`;
}

export const TENANT_EVENTS_CLIENT = Symbol('TENANT_EVENTS_CLIENT');

export interface TenantStatusEvent {
  tenantId: string;
  status: TenantStatus;
  step: ProvisioningStep | null;
  attempts: number;
  error: string | null;
  at: string;
}

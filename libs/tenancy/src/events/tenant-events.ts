import type { ProvisioningStep, TenantStatus } from '../registry/tenant';

/** Event patterns on the Redis transport; broadcast only, never relied on for correctness. */
export const TENANT_EVENT = {
  provisioning: 'tenant.provisioning',
  ready: 'tenant.ready',
  failed: 'tenant.failed',
} as const;

export const TENANT_EVENTS_CLIENT = Symbol('TENANT_EVENTS_CLIENT');

export interface TenantStatusEvent {
  tenantId: string;
  status: TenantStatus;
  step: ProvisioningStep | null;
  attempts: number;
  error: string | null;
  at: string;
}

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

/**
 * The Redis channel carrying changes to who may reach a tenant (its role's password rotated, an
 * API key revoked), so tenant apps drop what they cached at once instead of when it expires.
 */
export function tenantAccessChannel(queuePrefix: string): string {
  return `${queuePrefix}:tenant.access`;
}

export type TenantAccessChange = 'credentials_rotated' | 'api_key_revoked';

export interface TenantAccessEvent {
  tenantId: string;
  change: TenantAccessChange;
  /** The revoked key's id, for `api_key_revoked`. */
  apiKeyId?: string;
  at: string;
}

import type { TenantOperation } from '../registry/tenant';

export const TENANT_LIFECYCLE_QUEUE = 'tenant-lifecycle';
export const TENANT_LIFECYCLE_JOB = 'tenant-lifecycle';

/** The master row says what to do; `operation` only names the job (and its logs). */
export interface TenantLifecycleJob {
  tenantId: string;
  operation: TenantOperation;
}

/** One id per tenant and operation, so a second enqueue of the same request is a no-op ('-': BullMQ forbids ':'). */
export function lifecycleJobId(tenantId: string, operation: TenantOperation): string {
  return `${operation}-${tenantId}`;
}

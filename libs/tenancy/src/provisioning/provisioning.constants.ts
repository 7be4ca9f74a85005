export const PROVISIONING_QUEUE = 'tenant-provisioning';
export const PROVISION_TENANT_JOB = 'provision-tenant';

export interface ProvisionTenantJob {
  tenantId: string;
}

/** BullMQ forbids ':' in custom ids, hence '-'. One id per tenant makes a second enqueue a no-op. */
export function provisionJobId(tenantId: string): string {
  return `provision-${tenantId}`;
}

export const TENANT_STATUSES = ['pending', 'provisioning', 'ready', 'failed'] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

/** The last provisioning step a tenant completed. */
export type ProvisioningStep = 'queued' | 'started' | 'database_created' | 'ready';

export interface Tenant {
  id: string;
  name: string;
  slug: string;
  dbName: string;
  /** The login role that owns the tenant's database; it has the database's name. */
  dbRole: string;
  dbPasswordEncrypted: string | null;
  status: TenantStatus;
  step: ProvisioningStep | null;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  readyAt: Date | null;
}

export function isSettled(status: TenantStatus): boolean {
  return status === 'ready' || status === 'failed';
}

export const TENANT_STATUSES = ['pending', 'provisioning', 'ready', 'failed', 'suspended', 'deleted', 'purged'] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

/** What a worker is doing to a provisioned tenant; recorded in master until it is done. */
export const TENANT_OPERATIONS = ['suspend', 'resume', 'delete', 'purge', 'restore', 'move'] as const;
export type TenantOperation = (typeof TENANT_OPERATIONS)[number];

/** The pg_dump archive a purge left, and its SHA-256 (hex). */
export interface TenantBackup {
  path: string;
  checksum: string;
}

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
  /** The database server its database lives on; null while it waits for room on one. */
  server: string | null;
  /** The server a move under way takes it to; `server` names it too once the copy is verified and the registry switched. */
  moveTarget: string | null;
  status: TenantStatus;
  step: ProvisioningStep | null;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  updatedAt: Date;
  readyAt: Date | null;
  /** The lifecycle operation in progress, if any, and the error of its last failed attempt. */
  operation: TenantOperation | null;
  operationError: string | null;
  deletedAt: Date | null;
  /** When a deleted tenant's data is purged (its database and role dropped). */
  purgeAfter: Date | null;
  backup: TenantBackup | null;
  /** The last tenant migration applied to its database, and the fingerprint of the migrations it has; null until known. */
  schemaMigration: string | null;
  schemaFingerprint: string | null;
}

/** Where a tenant database's schema stands: its last migration and the fingerprint of the migrations applied. */
export interface SchemaVersion {
  migration: string | null;
  fingerprint: string;
}

export function isSettled(status: TenantStatus): boolean {
  return status === 'ready' || status === 'failed' || status === 'suspended' || status === 'deleted' || status === 'purged';
}

/** Nothing more happens to the tenant until someone asks: its status is final and no operation is under way. */
export function isAtRest(tenant: Pick<Tenant, 'status' | 'operation'>): boolean {
  return isSettled(tenant.status) && !tenant.operation;
}

import type { Tenant } from '@app/tenancy';
import { statusUrlOf } from '../routes';

export function tenantStatusView(tenant: Tenant) {
  return {
    id: tenant.id,
    name: tenant.name,
    dbName: tenant.dbName,
    server: tenant.server,
    status: tenant.status,
    step: tenant.step,
    attempts: tenant.attempts,
    error: tenant.lastError,
    createdAt: tenant.createdAt,
    updatedAt: tenant.updatedAt,
    readyAt: tenant.readyAt,
    operation: tenant.operation,
    operationError: tenant.operationError,
  };
}
export type TenantStatusView = ReturnType<typeof tenantStatusView>;

export function tenantView(tenant: Tenant) {
  return {
    ...tenantStatusView(tenant),
    slug: tenant.slug,
    statusUrl: statusUrlOf(tenant.id),
    ...lifecycleView(tenant),
    schema: schemaView(tenant),
  };
}

/** What a deletion and a purge left, only where set. */
function lifecycleView({ deletedAt, purgeAfter, backup }: Tenant) {
  return { ...(deletedAt && { deletedAt }), ...(purgeAfter && { purgeAfter }), ...(backup && { backup: { ...backup } }) };
}

/** The schema version of the tenant's database as master records it (at provisioning and by every rollout). */
function schemaView({ schemaMigration, schemaFingerprint }: Tenant) {
  return { migration: schemaMigration, fingerprint: schemaFingerprint };
}

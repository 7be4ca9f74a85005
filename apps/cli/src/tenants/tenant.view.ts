import type { Tenant } from '@app/tenancy';
import { textDetails, textTable, textValue } from '../output/text-table';

/**
 * A tenant as the CLI shows it: the fields of the admin api's `GET /org/:id` without its URLs,
 * every one always present (null when unset), so scripts can rely on the shape.
 */
export function tenantView(tenant: Tenant) {
  return {
    id: tenant.id,
    name: tenant.name,
    slug: tenant.slug,
    dbName: tenant.dbName,
    server: tenant.server,
    status: tenant.status,
    step: tenant.step,
    attempts: tenant.attempts,
    error: tenant.lastError,
    operation: tenant.operation,
    operationError: tenant.operationError,
    schemaMigration: tenant.schemaMigration,
    schemaFingerprint: tenant.schemaFingerprint,
    createdAt: tenant.createdAt,
    updatedAt: tenant.updatedAt,
    readyAt: tenant.readyAt,
    deletedAt: tenant.deletedAt,
    purgeAfter: tenant.purgeAfter,
    backup: tenant.backup && { ...tenant.backup },
  };
}
export type TenantView = ReturnType<typeof tenantView>;

export function tenantsText(tenants: TenantView[]): string {
  if (tenants.length === 0) return 'no tenants';
  const header = ['ID', 'SLUG', 'STATUS', 'SERVER', 'SCHEMA', 'CREATED', 'NAME'];
  const row = (t: TenantView) => [
    t.id,
    t.slug,
    statusText(t),
    textValue(t.server),
    textValue(t.schemaMigration),
    textValue(t.createdAt),
    t.name,
  ];
  return textTable([header, ...tenants.map(row)]);
}

export function tenantText(tenant: TenantView): string {
  return textDetails(Object.entries(tenant));
}

/** `suspended (resume…)` while an operation is under way. */
function statusText(tenant: TenantView): string {
  return tenant.operation ? `${tenant.status} (${tenant.operation}…)` : tenant.status;
}

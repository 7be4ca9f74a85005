import type { Tenant } from '@app/tenancy';
import { textDetails, textTable, textValue } from '../output/text-table';

/** A tenant as the CLI shows it: the fields of the admin api's `GET /org/:id`, without its URLs. */
export function tenantView(tenant: Tenant) {
  return {
    id: tenant.id,
    name: tenant.name,
    slug: tenant.slug,
    dbName: tenant.dbName,
    status: tenant.status,
    step: tenant.step,
    attempts: tenant.attempts,
    error: tenant.lastError,
    createdAt: tenant.createdAt,
    updatedAt: tenant.updatedAt,
    readyAt: tenant.readyAt,
  };
}
export type TenantView = ReturnType<typeof tenantView>;

export function tenantsText(tenants: TenantView[]): string {
  if (tenants.length === 0) return 'no tenants';
  const header = ['ID', 'SLUG', 'STATUS', 'CREATED', 'NAME'];
  return textTable([header, ...tenants.map((t) => [t.id, t.slug, t.status, textValue(t.createdAt), t.name])]);
}

export function tenantText(tenant: TenantView): string {
  return textDetails(Object.entries(tenant));
}

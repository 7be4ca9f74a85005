/**
 * What the service writes into the comment of each database and role it makes for a tenant. A
 * database or role with a tenant's name but without this mark was made by someone else, or for
 * another tenant, and is never taken over.
 */
export function tenantMark(tenantId: string): string {
  return `tenancy tenant ${tenantId}`;
}

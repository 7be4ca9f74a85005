/** The advisory lock held by whoever changes a tenant's database or role. */
export function tenantLockKey(tenantId: string): string {
  return `tenancy:provision:${tenantId}`;
}

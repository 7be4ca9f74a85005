/** Where a client polls a tenant's status: the org routes link to it, and so do error answers. */
export function statusUrlOf(tenantId: string): string {
  return `/org/${tenantId}/status`;
}

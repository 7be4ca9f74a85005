/** Another worker holds the tenant's lock; the job should wait and come back, not fail. */
export class TenantBusyError extends Error {
  constructor(readonly tenantId: string) {
    super(`tenant ${tenantId} is being provisioned by another worker`);
    this.name = 'TenantBusyError';
  }
}

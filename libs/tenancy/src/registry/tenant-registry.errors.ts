export class TenantSlugTakenError extends Error {
  constructor(
    readonly slug: string,
    readonly existingTenantId: string,
  ) {
    super(`a tenant whose name maps to "${slug}" already exists`);
    this.name = 'TenantSlugTakenError';
  }
}

export class TenantNotFoundError extends Error {
  constructor(readonly tenantId: string) {
    super(`no tenant with id ${tenantId}`);
    this.name = 'TenantNotFoundError';
  }
}

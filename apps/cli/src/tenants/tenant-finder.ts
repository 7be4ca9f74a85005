import { Injectable } from '@nestjs/common';
import { Tenant, TenantError, TenantRepository } from '@app/tenancy';

/** The tenant a command line names, by id or slug, or a `tenant_not_found` that says which. */
@Injectable()
export class TenantFinder {
  constructor(private readonly tenants: TenantRepository) {}

  async get(reference: string): Promise<Tenant> {
    const tenant = await this.tenants.findByReference(reference);
    if (!tenant) throw TenantError.unknownReference(reference);
    return tenant;
  }
}

import { Injectable } from '@nestjs/common';
import { TenantError } from '../errors/tenant-error';
import { TenantEventsPublisher } from '../events/tenant-events.publisher';
import { TenantRepository } from '../registry/tenant.repository';
import { ApiKeyRepository } from './api-key.repository';

/** Stops one of a tenant's API keys from working, everywhere. */
@Injectable()
export class RevokeApiKey {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly apiKeys: ApiKeyRepository,
    private readonly events: TenantEventsPublisher,
  ) {}

  async execute(tenantId: string, keyId: string): Promise<void> {
    await this.tenants.getById(tenantId);
    if (!(await this.apiKeys.revoke(tenantId, keyId))) throw TenantError.apiKeyNotFound(tenantId, keyId);
    // Tenant apps cache the keys they have checked: they drop this one now, not when their cache expires.
    await this.events.publishAccessChange(tenantId, 'api_key_revoked', keyId);
  }
}

import { Injectable } from '@nestjs/common';
import { TenantRepository } from '../registry/tenant.repository';
import { ApiKeyRepository } from './api-key.repository';

/** What anyone may see of a key: nothing that would let them use it. */
export interface ApiKeySummary {
  id: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** A tenant's active API keys, newest first. */
@Injectable()
export class ListApiKeys {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly apiKeys: ApiKeyRepository,
  ) {}

  async execute(tenantId: string): Promise<ApiKeySummary[]> {
    await this.tenants.getById(tenantId);
    const keys = await this.apiKeys.listForTenant(tenantId);
    return keys.map(({ id, prefix, createdAt, lastUsedAt }) => ({ id, prefix, createdAt, lastUsedAt }));
  }
}

import { Injectable } from '@nestjs/common';
import { generateApiKey } from './api-key.format';
import { ApiKeyRepository } from './api-key.repository';

/** The most keys a tenant may hold at once: enough to rotate through, few enough to audit. */
export const MAX_ACTIVE_API_KEYS = 50;

export interface IssuedApiKey {
  id: string;
  /** The key itself: this is the only time it is shown; master keeps only its hash. */
  key: string;
  prefix: string;
  createdAt: Date;
}

/** Gives a tenant a new API key for its apps (any status: a key for a pending tenant works once it is ready). */
@Injectable()
export class IssueApiKey {
  constructor(private readonly apiKeys: ApiKeyRepository) {}

  async execute(tenantId: string): Promise<IssuedApiKey> {
    const { key, prefix, secretHash } = generateApiKey();
    const record = await this.apiKeys.create({ tenantId, prefix, secretHash }, MAX_ACTIVE_API_KEYS);
    return { id: record.id, key, prefix, createdAt: record.createdAt };
  }
}

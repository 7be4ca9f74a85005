import { Inject, Injectable, Logger } from '@nestjs/common';
import { ApiKeyRepository, apiKeyMatches, APP_CONFIG, AppConfig, parseApiKey } from '@app/tenancy';
import { LRUCache } from 'lru-cache';

export interface ApiKeyHolder {
  tenantId: string;
  keyId: string;
}

const MAX_CACHED_KEYS = 10_000;
/** last_used_at is kept to the minute: one write per key and minute, not one per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

interface KeyLookup {
  holder?: ApiKeyHolder;
}

/**
 * Tenant API keys (`tk_<prefix>_<secret>`, issued by the admin api): looked up in master by
 * prefix, compared with the stored hash in constant time, and the answer cached for
 * TENANT_LOOKUP_CACHE_MS. A revocation event clears the key at once; the cache period is how
 * long a revocation can take when that event is lost.
 */
@Injectable()
export class ApiKeyVerifier {
  private readonly logger = new Logger(ApiKeyVerifier.name);
  private readonly cache: LRUCache<string, KeyLookup>;
  private readonly lastTouched = new LRUCache<string, true>({ max: MAX_CACHED_KEYS, ttl: LAST_USED_RESOLUTION_MS });

  constructor(
    @Inject(APP_CONFIG) { tenantRouting }: Pick<AppConfig, 'tenantRouting'>,
    private readonly keys: ApiKeyRepository,
  ) {
    this.cache = new LRUCache<string, KeyLookup>({
      max: MAX_CACHED_KEYS,
      ttl: Math.max(tenantRouting.lookupCacheMs, 1),
      fetchMethod: (key) => this.lookUp(key),
    });
  }

  async verify(key: string): Promise<ApiKeyHolder | undefined> {
    if (!parseApiKey(key)) return undefined;
    const holder = (await this.cache.fetch(key))?.holder;
    if (holder) this.recordUse(holder.keyId);
    return holder;
  }

  forgetKey(keyId: string): void {
    for (const [key, lookup] of this.cache.entries()) {
      if (lookup.holder?.keyId === keyId) this.cache.delete(key);
    }
  }

  private async lookUp(key: string): Promise<KeyLookup> {
    const record = await this.keys.findActiveByPrefix(parseApiKey(key)!.prefix);
    if (!record || !apiKeyMatches(key, record.secretHash)) return {};
    return { holder: { tenantId: record.tenantId, keyId: record.id } };
  }

  private recordUse(keyId: string): void {
    if (this.lastTouched.has(keyId)) return;
    this.lastTouched.set(keyId, true);
    this.keys
      .touchLastUsed(keyId)
      .catch((error: unknown) => this.logger.warn({ err: error, keyId }, 'could not record an API key use'));
  }
}

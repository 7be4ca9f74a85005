import { Inject, Injectable } from '@nestjs/common';
import type { Knex } from 'knex';
import { TenantError } from '../errors/tenant-error';
import { MASTER_KNEX } from '../master/master-database.tokens';

interface ApiKeyRow {
  id: string;
  tenant_id: string;
  prefix: string;
  secret_hash: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

/** A tenant API key as master records it: never the key, only its hash. */
export interface ApiKeyRecord {
  id: string;
  tenantId: string;
  prefix: string;
  /** SHA-256 of the whole key, hex; check a presented key with `apiKeyMatches`. */
  secretHash: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface NewApiKey {
  tenantId: string;
  prefix: string;
  secretHash: string;
}

/** A key's use is written at most this often, so a busy key does not turn every request into a write to master. */
const LAST_USED_RESOLUTION_SECONDS = 60;

/** The `tenant_api_keys` table of master. */
@Injectable()
export class ApiKeyRepository {
  constructor(@Inject(MASTER_KNEX) private readonly master: Knex) {}

  /**
   * Records a key unless its tenant already has `maxActive` active ones. The tenant's row is
   * locked meanwhile, so keys issued at the same moment count each other and the limit holds.
   */
  async create(key: NewApiKey, maxActive: number): Promise<ApiKeyRecord> {
    return this.master.transaction(async (trx) => {
      const tenant = await trx<{ id: string }>('tenants').select('id').where({ id: key.tenantId }).forNoKeyUpdate().first();
      if (!tenant) throw TenantError.notFound(key.tenantId);
      if ((await countActiveIn(trx, key.tenantId)) >= maxActive) throw TenantError.apiKeyLimit(key.tenantId, maxActive);
      const [row] = await trx<ApiKeyRow>('tenant_api_keys')
        .insert({ tenant_id: key.tenantId, prefix: key.prefix, secret_hash: key.secretHash })
        .returning('*');
      return toApiKey(row!);
    });
  }

  /** The tenant's active keys, newest first. */
  async listForTenant(tenantId: string): Promise<ApiKeyRecord[]> {
    const rows = await this.activeKeys()
      .where({ tenant_id: tenantId })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
    return rows.map(toApiKey);
  }

  async countActive(tenantId: string): Promise<number> {
    return countActiveIn(this.master, tenantId);
  }

  /** Revokes one of the tenant's active keys; false when it has no such key (another tenant's, say). */
  async revoke(tenantId: string, keyId: string): Promise<boolean> {
    const count = await this.activeKeys().where({ id: keyId, tenant_id: tenantId }).update({ revoked_at: this.master.fn.now() });
    return count === 1;
  }

  /** The active key a presented key's prefix names; its hash still has to match (`apiKeyMatches`). */
  async findActiveByPrefix(prefix: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.activeKeys().where({ prefix }).first();
    return row && toApiKey(row);
  }

  /** Notes that the key was just used; a use within a minute of the last one noted is not written again. */
  async touchLastUsed(id: string): Promise<void> {
    await this.master<ApiKeyRow>('tenant_api_keys')
      .where({ id })
      .andWhereRaw('(last_used_at IS NULL OR last_used_at < now() - make_interval(secs => ?))', [LAST_USED_RESOLUTION_SECONDS])
      .update({ last_used_at: this.master.fn.now() });
  }

  private activeKeys() {
    return this.master<ApiKeyRow>('tenant_api_keys').whereNull('revoked_at');
  }
}

async function countActiveIn(db: Knex, tenantId: string): Promise<number> {
  const [row] = await db<ApiKeyRow>('tenant_api_keys').where({ tenant_id: tenantId }).whereNull('revoked_at').count({ n: '*' });
  return Number(row?.n ?? 0);
}

function toApiKey(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    prefix: row.prefix,
    secretHash: row.secret_hash,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

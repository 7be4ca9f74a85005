import { Inject, Injectable } from '@nestjs/common';
import type { Knex } from 'knex';
import { MASTER_KNEX } from '../master/master-database.tokens';
import { ProvisioningStep, SchemaVersion, Tenant, TENANT_STATUSES, TenantOperation, TenantStatus } from './tenant';
import { TenantError } from '../errors/tenant-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface TenantRow {
  id: string;
  name: string;
  slug: string;
  db_name: string;
  db_password_encrypted: string | null;
  server: string | null;
  move_target: string | null;
  status: TenantStatus;
  step: ProvisioningStep | null;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
  ready_at: Date | null;
  operation: TenantOperation | null;
  operation_error: string | null;
  deleted_at: Date | null;
  purge_after: Date | null;
  backup_path: string | null;
  backup_checksum: string | null;
  schema_migration: string | null;
  schema_fingerprint: string | null;
}

interface IdempotencyKeyRow {
  key: string;
  request_hash: string;
  tenant_id: string;
}

/** The columns an update may set, `ready_at` to the database's clock; every update also sets `updated_at`. */
type TenantChanges = Partial<
  Pick<TenantRow, 'status' | 'step' | 'last_error' | 'db_password_encrypted' | 'schema_migration' | 'schema_fingerprint'> & {
    ready_at: Knex.Raw<Date>;
  }
>;

export interface NewTenant {
  name: string;
  slug: string;
  dbName: string;
}

export interface IdempotencyRecord {
  key: string;
  /** Hash of the request body, so a key reused for another request is told apart. */
  requestHash: string;
}

/** Picks the server a new tenant goes to, inside the transaction that records it; undefined when none has room. */
export type ServerChoice = (trx: Knex.Transaction) => Promise<string | undefined>;

export interface TenantListQuery {
  status?: TenantStatus;
  search?: string;
  limit: number;
  after?: string;
}

export interface TenantPage {
  tenants: Tenant[];
  nextCursor: string | null;
}

const UNIQUE_VIOLATION = '23505';
const MAX_ERROR_TEXT = 2000;

/** The master database's record of every tenant: the single source of truth. */
@Injectable()
export class TenantRepository {
  constructor(@Inject(MASTER_KNEX) private readonly master: Knex) {}

  /**
   * Inserts a pending tenant, placed on the server `chooseServer` picks in the same transaction
   * (none when no server has room), and with it the idempotency key that created it, atomically.
   */
  async create(tenant: NewTenant, chooseServer: ServerChoice, idempotency?: IdempotencyRecord): Promise<Tenant> {
    try {
      return await this.master.transaction(async (trx) => {
        const server = (await chooseServer(trx)) ?? null;
        const [row] = await trx<TenantRow>('tenants')
          .insert({ name: tenant.name, slug: tenant.slug, db_name: tenant.dbName, server, step: 'queued' })
          .returning('*');
        if (idempotency) {
          await trx<IdempotencyKeyRow>('idempotency_keys').insert({
            key: idempotency.key,
            request_hash: idempotency.requestHash,
            tenant_id: row!.id,
          });
        }
        return toTenant(row!);
      });
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      const existing = await this.tenants()
        .where({ slug: tenant.slug })
        .orWhere({ db_name: tenant.dbName })
        // A purged tombstone keeps its name without holding it: the live tenant is the one in the way.
        .orderByRaw("status = 'purged'")
        .first();
      if (!existing) throw error;
      throw TenantError.slugTaken(tenant.slug, existing.id);
    }
  }

  async findByIdempotencyKey(key: string): Promise<(IdempotencyRecord & { tenantId: string }) | undefined> {
    const row = await this.master<IdempotencyKeyRow>('idempotency_keys').where({ key }).first();
    return row && { key: row.key, requestHash: row.request_hash, tenantId: row.tenant_id };
  }

  async findById(id: string): Promise<Tenant | undefined> {
    const row = await this.tenants().where({ id }).first();
    return row && toTenant(row);
  }

  /** The tenant a reference names: its id when it is shaped like a uuid, else its slug. */
  async findByReference(reference: string): Promise<Tenant | undefined> {
    const row = await this.tenants()
      .where(UUID.test(reference) ? { id: reference.toLowerCase() } : { slug: reference })
      // A slug may name a live tenant and the tombstones of purged ones: the live one, else the latest tombstone.
      .orderByRaw("status = 'purged'")
      .orderBy('created_at', 'desc')
      .first();
    return row && toTenant(row);
  }

  async getById(id: string): Promise<Tenant> {
    const tenant = await this.findById(id);
    if (!tenant) throw TenantError.notFound(id);
    return tenant;
  }

  /**
   * Newest first; `after` is the last id of the previous page, so pages stay stable as tenants are
   * added. `search` keeps the tenants whose name or slug contains it, in any case.
   */
  async list(query: TenantListQuery): Promise<TenantPage> {
    const builder = this.tenants().orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ]);
    if (query.status) builder.where({ status: query.status });
    if (query.search) {
      const pattern = `%${query.search.replace(/[\\%_]/g, '\\$&')}%`;
      builder.where((matches) => void matches.whereILike('name', pattern).orWhereILike('slug', pattern));
    }
    if (query.after) {
      builder.whereRaw('(created_at, id) < (SELECT created_at, id FROM tenants WHERE id = ?)', [query.after]);
    }
    const rows = await builder.limit(query.limit + 1);
    const tenants = rows.slice(0, query.limit).map(toTenant);
    const last = tenants[tenants.length - 1];
    return { tenants, nextCursor: rows.length > query.limit && last ? last.id : null };
  }

  /** How many tenants are in each status, every status listed (zero included), in one statement. */
  async countByStatus(): Promise<Record<TenantStatus, number>> {
    const rows = await this.master('tenants')
      .select<{ status: TenantStatus; count: number }[]>('status', this.master.raw('count(*)::int AS count'))
      .groupBy('status');
    const counts = Object.fromEntries(TENANT_STATUSES.map((status) => [status, 0])) as Record<TenantStatus, number>;
    for (const { status, count } of rows) counts[status] = count;
    return counts;
  }

  /** Tenants that should be in the queue: not settled and untouched for a while. */
  async findUnsettled(untouchedForMs: number): Promise<string[]> {
    const rows = await this.tenants()
      .select('id')
      .whereIn('status', ['pending', 'provisioning'])
      // A tenant being restored is `provisioning` too, but its job is a lifecycle one.
      .whereNull('operation')
      .andWhere('updated_at', '<', this.master.raw(`now() - make_interval(secs => ?)`, [untouchedForMs / 1000]));
    return rows.map((row) => row.id);
  }

  /**
   * Starts an attempt in one statement: `provisioning`, one more attempt, and the role password
   * kept unless an earlier attempt stored one. Undefined when the tenant is gone or already ready.
   */
  async startAttempt(id: string, sealedPassword: string): Promise<Tenant | undefined> {
    const [row] = await this.tenants()
      .where({ id })
      .whereNot({ status: 'ready' })
      // Never a suspended, deleted or purged tenant, nor one being restored (a lifecycle job's).
      .whereIn('status', ['pending', 'provisioning', 'failed'])
      .whereNull('operation')
      .update({
        status: 'provisioning',
        attempts: this.master.raw('attempts + 1'),
        step: 'started',
        db_password_encrypted: this.master.raw('COALESCE(db_password_encrypted, ?)', [sealedPassword]),
        updated_at: this.master.fn.now(),
      })
      .returning('*');
    return row && toTenant(row);
  }

  /** Tenants whose role password is sealed in the given format (`v1.…`, say). */
  async findSealedAs(version: string): Promise<Pick<Tenant, 'id' | 'dbPasswordEncrypted'>[]> {
    const rows = await this.tenants().select('id', 'db_password_encrypted').whereLike('db_password_encrypted', `${version}.%`);
    return rows.map((row) => ({ id: row.id, dbPasswordEncrypted: row.db_password_encrypted }));
  }

  async replacePassword(id: string, encrypted: string): Promise<void> {
    await this.update(id, { db_password_encrypted: encrypted });
  }

  async recordDatabaseCreated(id: string): Promise<void> {
    await this.update(id, { step: 'database_created' });
  }

  /** The database exists, taken from the warm pool: the spare's role brings its own password, which replaces ours. */
  async recordSpareTaken(id: string, sealedPassword: string): Promise<void> {
    await this.update(id, { step: 'database_created', db_password_encrypted: sealedPassword });
  }

  /** With `schema`, the version its database was brought to, recorded in the same update. */
  async markReady(id: string, schema?: SchemaVersion): Promise<Tenant> {
    const version = schema ? { schema_migration: schema.migration, schema_fingerprint: schema.fingerprint } : {};
    return this.update(id, { status: 'ready', step: 'ready', last_error: null, ready_at: this.master.fn.now(), ...version });
  }

  /** An attempt failed; the tenant stays `provisioning` unless this was its last attempt. */
  async recordAttemptFailure(id: string, error: string, finalAttempt: boolean): Promise<Tenant> {
    return this.update(id, {
      status: finalAttempt ? 'failed' : 'provisioning',
      last_error: error.slice(0, MAX_ERROR_TEXT),
    });
  }

  /** Moves a failed tenant back to pending; false when it is not failed. */
  async resetFailed(id: string): Promise<boolean> {
    const count = await this.tenants()
      .where({ id, status: 'failed' })
      .update({ status: 'pending', step: 'queued', updated_at: this.master.fn.now() });
    return count === 1;
  }

  private async update(id: string, changes: TenantChanges): Promise<Tenant> {
    const [row] = await this.tenants()
      .where({ id })
      .update({ ...changes, updated_at: this.master.fn.now() })
      .returning('*');
    if (!row) throw TenantError.notFound(id);
    return toTenant(row);
  }

  private tenants() {
    return this.master<TenantRow>('tenants');
  }
}

function toTenant(row: TenantRow): Tenant {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    dbName: row.db_name,
    dbRole: row.db_name,
    dbPasswordEncrypted: row.db_password_encrypted,
    server: row.server,
    moveTarget: row.move_target,
    status: row.status,
    step: row.step,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    readyAt: row.ready_at,
    operation: row.operation,
    operationError: row.operation_error,
    deletedAt: row.deleted_at,
    purgeAfter: row.purge_after,
    backup: row.backup_path && row.backup_checksum ? { path: row.backup_path, checksum: row.backup_checksum } : null,
    schemaMigration: row.schema_migration,
    schemaFingerprint: row.schema_fingerprint,
  };
}

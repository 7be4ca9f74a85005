import { Inject, Injectable } from '@nestjs/common';
import type { Knex } from 'knex';
import { TenantError } from '../errors/tenant-error';
import { MASTER_KNEX } from '../master/master-database.tokens';
import type { Tenant, TenantBackup, TenantOperation, TenantStatus } from './tenant';
import { NewTenant, ServerChoice, TenantRepository } from './tenant.repository';

const UNIQUE_VIOLATION = '23505';
const MAX_ERROR_TEXT = 2000;

/** The archive a restore reads; `checksum` when it is a recorded backup, checked again before use. */
export interface RestoreSource {
  path: string;
  checksum?: string;
}

export interface DeletionRequest {
  /** Purge at once instead of after the retention period. */
  purge: boolean;
  /** Dump the database into BACKUP_DIR before it is dropped. */
  backup: boolean;
  retentionDays: number;
}

/** The columns read here; the others are written by name. */
interface LifecycleRow {
  id: string;
  slug: string;
  status: TenantStatus;
  operation: TenantOperation | null;
  backup_on_purge: boolean;
  restore_from: string | null;
  restore_checksum: string | null;
  [column: string]: unknown;
}

export interface OperationDetails {
  backupOnPurge: boolean;
  restoreFrom?: RestoreSource;
}

export interface RecordedOperation {
  id: string;
  operation: TenantOperation;
}

/**
 * The lifecycle columns of the tenants table. Every change is one conditional UPDATE: a request
 * takes effect only from the status it was checked against and when no other operation is under
 * way, and a worker finishes only the operation it ran. Each returns the tenant as it now is, or
 * undefined when the condition no longer held (someone else got there first).
 */
@Injectable()
export class TenantLifecycleRepository {
  constructor(
    @Inject(MASTER_KNEX) private readonly master: Knex,
    private readonly tenants: TenantRepository,
  ) {}

  /** Access is withdrawn in master at once (tenant apps refuse from now on); the worker shuts the role out. */
  requestSuspend(id: string): Promise<Tenant | undefined> {
    return this.start(id, ['ready'], 'suspend', { status: 'suspended' });
  }

  /** The tenant stays `suspended` until the worker has let its role log in again. */
  requestResume(id: string): Promise<Tenant | undefined> {
    return this.start(id, ['suspended'], 'resume', {});
  }

  requestDelete(id: string, request: DeletionRequest): Promise<Tenant | undefined> {
    const purgeAfter = this.master.raw('now() + make_interval(days => ?)', [request.purge ? 0 : request.retentionDays]);
    return this.start(id, ['ready', 'suspended', 'failed'], request.purge ? 'purge' : 'delete', {
      status: 'deleted',
      deleted_at: this.master.fn.now(),
      purge_after: purgeAfter,
      backup_on_purge: request.backup,
    });
  }

  /** Purges a deleted tenant now; a deletion still under way becomes the purge, which repeats its steps. */
  async requestPurge(id: string, backup: boolean): Promise<Tenant | undefined> {
    const count = await this.rows()
      .where({ id, status: 'deleted' })
      .where((where) => {
        where.whereNull('operation').orWhere({ operation: 'delete' });
      })
      .update({
        operation: 'purge',
        operation_error: null,
        purge_after: this.master.fn.now(),
        backup_on_purge: backup,
        updated_at: this.master.fn.now(),
      });
    return count === 1 ? this.tenants.getById(id) : undefined;
  }

  /**
   * Brings a purged tenant back onto the server `chooseServer` picks (a new database is made
   * there). Takes the tenant's name back: a live tenant holding it meanwhile makes this `slug_taken`.
   */
  async requestRestore(id: string, source: RestoreSource, chooseServer: ServerChoice): Promise<Tenant | undefined> {
    const count = await this.holdingName(id, () =>
      this.master.transaction(async (trx) => {
        const server = await placed(trx, chooseServer);
        return this.startIn(trx, id, ['purged'], 'restore', {
          status: 'provisioning',
          server,
          ...restoreColumns(source),
          db_password_encrypted: null,
        });
      }),
    );
    return count === 1 ? this.tenants.getById(id) : undefined;
  }

  /** A new tenant whose database comes from an archive (`restore --as`), on the server `chooseServer` picks. */
  async createRestoring(tenant: NewTenant, source: RestoreSource, chooseServer: ServerChoice): Promise<Tenant> {
    const id = await this.holdingName(undefined, () =>
      this.master.transaction(async (trx) => {
        const [row] = await this.rows(trx)
          .insert({
            name: tenant.name,
            slug: tenant.slug,
            db_name: tenant.dbName,
            server: await placed(trx, chooseServer),
            status: 'provisioning',
            step: 'started',
            operation: 'restore',
            ...restoreColumns(source),
          })
          .returning('id');
        return row!.id;
      }),
    );
    return this.tenants.getById(id);
  }

  /** Deleted tenants whose retention is over, marked for purging; at most `limit` at a time. */
  async claimDuePurges(limit: number): Promise<string[]> {
    const due = this.rows()
      .select('id')
      .where({ status: 'deleted' })
      .whereNull('operation')
      .where('purge_after', '<=', this.master.fn.now())
      .limit(limit);
    const rows = await this.rows()
      .whereIn('id', due)
      .whereNull('operation')
      .update({ operation: 'purge', updated_at: this.master.fn.now() })
      .returning('id');
    return rows.map((row) => row.id);
  }

  /** Operations recorded and not touched for a while: their job may be lost. */
  async findRecordedOperations(untouchedForMs: number): Promise<RecordedOperation[]> {
    const rows = await this.rows()
      .select('id', 'operation')
      .whereNotNull('operation')
      .where('updated_at', '<', this.master.raw('now() - make_interval(secs => ?)', [untouchedForMs / 1000]));
    return rows.map((row) => ({ id: row.id, operation: row.operation! }));
  }

  /** What a request said beyond the operation: whether a purge backs up, which archive a restore reads. */
  async detailsOf(id: string): Promise<OperationDetails> {
    const row = await this.rows().select('backup_on_purge', 'restore_from', 'restore_checksum').where({ id }).first();
    if (!row) throw TenantError.notFound(id);
    return {
      backupOnPurge: row.backup_on_purge,
      restoreFrom: row.restore_from ? { path: row.restore_from, checksum: row.restore_checksum ?? undefined } : undefined,
    };
  }

  /** The restore's role password: the first one stored stays, so a retried attempt reuses it. */
  async keepRestorePassword(id: string, sealedPassword: string): Promise<Tenant> {
    await this.rows()
      .where({ id, operation: 'restore' })
      .update({ db_password_encrypted: this.master.raw('COALESCE(db_password_encrypted, ?)', [sealedPassword]) });
    return this.tenants.getById(id);
  }

  async recordBackup(id: string, backup: TenantBackup): Promise<void> {
    await this.rows()
      .where({ id })
      .update({ backup_path: backup.path, backup_checksum: backup.checksum, updated_at: this.master.fn.now() });
  }

  /** Ends `operation` (and only it) with the status it leads to. */
  async finish(id: string, operation: TenantOperation, status: TenantStatus): Promise<Tenant | undefined> {
    const changes: Record<string, unknown> = { status, operation: null, operation_error: null, updated_at: this.master.fn.now() };
    if (operation === 'purge') Object.assign(changes, { purged_at: this.master.fn.now(), db_password_encrypted: null });
    if (operation === 'move') Object.assign(changes, { move_source: null, move_target: null });
    if (operation === 'restore') {
      Object.assign(changes, {
        step: 'ready',
        last_error: null,
        ready_at: this.master.fn.now(),
        restore_from: null,
        restore_checksum: null,
      });
      Object.assign(changes, { deleted_at: null, purge_after: null });
    }
    const count = await this.rows().where({ id, operation }).update(changes);
    return count === 1 ? this.tenants.getById(id) : undefined;
  }

  /**
   * Records a failed attempt. `settle` ends the operation with that status (a resume or restore
   * that gave up); otherwise it stays recorded and is tried again.
   */
  async recordFailure(id: string, operation: TenantOperation, error: string, settle?: TenantStatus): Promise<Tenant | undefined> {
    const changes: Record<string, unknown> = { operation_error: error.slice(0, MAX_ERROR_TEXT), updated_at: this.master.fn.now() };
    if (settle) Object.assign(changes, { operation: null, status: settle });
    if (settle && operation === 'move') Object.assign(changes, { move_source: null, move_target: null });
    const count = await this.rows().where({ id, operation }).update(changes);
    return count === 1 ? this.tenants.getById(id) : undefined;
  }

  private async start(
    id: string,
    from: TenantStatus[],
    operation: TenantOperation,
    changes: Record<string, unknown>,
  ): Promise<Tenant | undefined> {
    const count = await this.startIn(this.master, id, from, operation, changes);
    return count === 1 ? this.tenants.getById(id) : undefined;
  }

  /** The conditional UPDATE of `start`, on `db` (a transaction's, or master); how many rows it changed. */
  private startIn(db: Knex, id: string, from: TenantStatus[], operation: TenantOperation, changes: Record<string, unknown>) {
    return this.rows(db)
      .where({ id })
      .whereIn('status', from)
      .whereNull('operation')
      .update({ ...changes, operation, operation_error: null, updated_at: db.fn.now() });
  }

  /** A unique violation here is the slug or database name, held by a live tenant. */
  private async holdingName<T>(id: string | undefined, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      throw await this.nameTaken(id, error);
    }
  }

  private async nameTaken(id: string | undefined, error: unknown): Promise<unknown> {
    const detail = (error as { detail?: string }).detail ?? '';
    const slug = /\(slug\)=\((.*)\)/.exec(detail)?.[1];
    const dbName = /\(db_name\)=\((.*)\)/.exec(detail)?.[1];
    if (slug === undefined && dbName === undefined) return error;
    const query = this.rows()
      .select('id', 'slug')
      .whereNot({ status: 'purged' })
      .where((where) => {
        if (slug !== undefined) where.orWhere('slug', slug);
        if (dbName !== undefined) where.orWhere('db_name', dbName);
      });
    if (id) query.whereNot('id', id);
    const holder: Pick<LifecycleRow, 'id' | 'slug'> | undefined = await query.first();
    if (!holder) return error;
    return TenantError.slugTaken(holder.slug, holder.id);
  }

  private rows(db: Knex = this.master) {
    return db<LifecycleRow>('tenants');
  }
}

/** A restore needs a server with room now: unlike a new tenant's, it is not recorded to wait for one. */
async function placed(trx: Knex.Transaction, chooseServer: ServerChoice): Promise<string> {
  const server = await chooseServer(trx);
  if (!server) throw TenantError.noRoomToRestore();
  return server;
}

function restoreColumns(source: RestoreSource) {
  return { restore_from: source.path, restore_checksum: source.checksum ?? null };
}

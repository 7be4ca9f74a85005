import { Inject, Injectable } from '@nestjs/common';
import type { Knex } from 'knex';
import { TenantError } from '../errors/tenant-error';
import { MASTER_KNEX } from '../master/master-database.tokens';
import { preparedStatement } from '../postgres/prepared-statement';
import type { Tenant, TenantStatus } from '../registry/tenant';
import { ROLLOUT_TENANT_STATES, Rollout, RolloutKind, RolloutOptions, RolloutState, RolloutTotals } from './rollout';
import { selection, TenantSelection } from './rollout-selection';

interface RolloutRow {
  id: string;
  kind: RolloutKind;
  target_fingerprint: string | null;
  options: RolloutOptions;
  state: RolloutState;
  error: string | null;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

export interface NewRollout extends TenantSelection {
  kind: RolloutKind;
  targetFingerprint: string | null;
  options: RolloutOptions;
}

export type RolloutSummary = Rollout & { totals: RolloutTotals };

/** A tenant as a rollout logs in as its role (a dry run's read, a step), and names it. */
export type RolloutTenantLogin = Pick<Tenant, 'id' | 'slug' | 'status' | 'dbName' | 'dbRole' | 'dbPasswordEncrypted' | 'server'>;

/** The tenants columns behind a RolloutTenantLogin. */
export interface RolloutTenantLoginRow {
  id: string;
  slug: string;
  status: TenantStatus;
  db_name: string;
  db_password_encrypted: string | null;
  server: string | null;
}

export function rolloutTenantLogin(row: RolloutTenantLoginRow): RolloutTenantLogin {
  return {
    id: row.id,
    slug: row.slug,
    status: row.status,
    dbName: row.db_name,
    dbRole: row.db_name,
    dbPasswordEncrypted: row.db_password_encrypted,
    server: row.server,
  };
}

/** A tenant a rollout would cover, with its login (for a dry run's read as the tenant's role). */
export interface PreviewedTenant extends RolloutTenantLogin {
  position: number;
  schemaFingerprint: string | null;
}

interface PreviewedTenantRow extends RolloutTenantLoginRow {
  position: string;
  schema_fingerprint: string | null;
}

const MAX_ERROR_TEXT = 2000;

/** Rollouts in master: what each is to do, its state, and how many of its tenants are in each state. */
@Injectable()
export class RolloutRepository {
  constructor(@Inject(MASTER_KNEX) private readonly master: Knex) {}

  /**
   * Records the rollout and one row per tenant it covers, in one transaction: from then on master
   * says what is left to do. A tenant master records at a migration's target is `skipped` there and
   * then (no job, no connection); every other is `pending`. A rollout that covers no tenant is
   * completed at once.
   */
  async create(rollout: NewRollout): Promise<Rollout> {
    return this.master.transaction(async (trx) => {
      const [row] = await trx<RolloutRow>('rollouts')
        .insert({ kind: rollout.kind, target_fingerprint: rollout.targetFingerprint, options: rollout.options })
        .returning('*');
      const selected = selection(rollout);
      const inserted = await trx.raw<{ rowCount: number }>(
        `INSERT INTO rollout_tenants (rollout_id, tenant_id, position, state, duration_ms)
         SELECT ?, chosen.id, chosen.position, initial.state, CASE WHEN initial.state = 'skipped' THEN 0 END
           FROM (${selected.sql}) AS chosen
           JOIN tenants t ON t.id = chosen.id,
                LATERAL (SELECT CASE WHEN t.schema_fingerprint = ? THEN 'skipped' ELSE 'pending' END AS state) initial`,
        [row!.id, ...selected.bindings, rollout.targetFingerprint],
      );
      if (inserted.rowCount > 0) return toRollout(row!);
      const [empty] = await trx<RolloutRow>('rollouts')
        .where({ id: row!.id })
        .update({ state: 'completed', finished_at: trx.fn.now() })
        .returning('*');
      return toRollout(empty!);
    });
  }

  /** The tenants a rollout would cover, in order, with what a dry run needs to log in as each: nothing recorded. */
  async preview(rollout: TenantSelection): Promise<PreviewedTenant[]> {
    const selected = selection(rollout);
    const { rows } = await this.master.raw<{ rows: PreviewedTenantRow[] }>(
      `SELECT chosen.position, t.id, t.slug, t.status, t.db_name, t.db_password_encrypted, t.server, t.schema_fingerprint
         FROM (${selected.sql}) AS chosen JOIN tenants t ON t.id = chosen.id ORDER BY chosen.position`,
      selected.bindings,
    );
    return rows.map((row) => ({
      ...rolloutTenantLogin(row),
      position: Number(row.position),
      schemaFingerprint: row.schema_fingerprint,
    }));
  }

  async summarize(id: string): Promise<RolloutSummary> {
    const [rollout, totals] = await Promise.all([this.getById(id), this.totals(id)]);
    return { ...rollout, totals };
  }

  async getById(id: string): Promise<Rollout> {
    const row = await this.master<RolloutRow>('rollouts').where({ id }).first();
    if (!row) throw TenantError.rolloutNotFound(id);
    return toRollout(row);
  }

  /** The latest rollouts, newest first. */
  async listRecent(limit: number): Promise<Rollout[]> {
    const rows = await this.master<RolloutRow>('rollouts')
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(limit);
    return rows.map(toRollout);
  }

  async findRunningIds(): Promise<string[]> {
    const rows = await this.master<RolloutRow>('rollouts').select('id').where({ state: 'running' }).orderBy('created_at');
    return rows.map((row) => row.id);
  }

  async totals(id: string): Promise<RolloutTotals> {
    return this.countByState(this.master('rollout_tenants').where({ rollout_id: id }));
  }

  /** The tenants of every running rollout together, by state: the fleet's rollout progress. */
  async runningTotals(): Promise<RolloutTotals> {
    const running = this.master<RolloutRow>('rollouts').select('id').where({ state: 'running' });
    return this.countByState(this.master('rollout_tenants').whereIn('rollout_id', running));
  }

  /**
   * Ends a running rollout after a failure: it is `stopped` with the reason, and every tenant not
   * started yet is `cancelled`, never touched. False when it was not running.
   */
  async stop(id: string, reason: string, trx: Knex | Knex.Transaction = this.master): Promise<boolean> {
    return this.end(trx, id, ['running'], 'stopped', reason);
  }

  /** Cancels a running or stopped rollout the same way; false when it was neither. */
  async cancel(id: string): Promise<boolean> {
    return this.master.transaction((trx) => this.end(trx, id, ['running', 'stopped'], 'cancelled', 'cancelled on request'));
  }

  /** A stopped or cancelled rollout runs again: its failed and cancelled tenants are pending once more. */
  async reopen(id: string): Promise<boolean> {
    return this.master.transaction(async (trx) => {
      const count = await trx<RolloutRow>('rollouts')
        .where({ id })
        .whereIn('state', ['stopped', 'cancelled'])
        .update({ state: 'running', error: null, finished_at: null, updated_at: trx.fn.now() });
      if (!count) return false;
      await trx('rollout_tenants')
        .where({ rollout_id: id })
        .whereIn('state', ['failed', 'cancelled'])
        .update({ state: 'pending', error: null, updated_at: trx.fn.now() });
      return true;
    });
  }

  /** A running rollout with no tenant left to deal with is `completed` (its failures, if any, counted in `error`). */
  async completeIfDone(id: string): Promise<boolean> {
    const count = await this.master
      .raw<{ rowCount: number }>(
        `UPDATE rollouts r SET state = 'completed', finished_at = now(), updated_at = now(),
              error = (SELECT CASE WHEN count(*) = 0 THEN NULL ELSE count(*) || ' tenant(s) failed' END
                         FROM rollout_tenants WHERE rollout_id = r.id AND state = 'failed')
        WHERE r.id = ? AND r.state = 'running'
          AND NOT EXISTS (SELECT 1 FROM rollout_tenants
                           WHERE rollout_id = r.id AND state IN ('pending', 'queued', 'running'))`,
        [id],
      )
      .options(preparedStatement('rollout-complete-if-done'));
    return count.rowCount > 0;
  }

  private async countByState(tenants: Knex.QueryBuilder): Promise<RolloutTotals> {
    const rows = await tenants
      .select<{ state: keyof RolloutTotals; count: number }[]>('state', this.master.raw('count(*)::int AS count'))
      .groupBy('state');
    const totals = Object.fromEntries(['total', ...ROLLOUT_TENANT_STATES].map((state) => [state, 0])) as RolloutTotals;
    for (const { state, count } of rows) {
      totals[state] = count;
      totals.total += count;
    }
    return totals;
  }

  private async end(trx: Knex, id: string, from: RolloutState[], to: RolloutState, reason: string): Promise<boolean> {
    const count = await trx<RolloutRow>('rollouts')
      .where({ id })
      .whereIn('state', from)
      .update({ state: to, error: reason.slice(0, MAX_ERROR_TEXT), finished_at: trx.fn.now(), updated_at: trx.fn.now() });
    if (!count) return false;
    await trx('rollout_tenants')
      .where({ rollout_id: id })
      .whereIn('state', ['pending', 'queued'])
      .update({ state: 'cancelled', updated_at: trx.fn.now() });
    return true;
  }
}

function toRollout(row: RolloutRow): Rollout {
  return {
    id: row.id,
    kind: row.kind,
    targetFingerprint: row.target_fingerprint,
    options: row.options,
    state: row.state,
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}

import { Inject, Injectable } from '@nestjs/common';
import type { Knex } from 'knex';
import type { Client } from 'pg';
import { MASTER_KNEX } from '../master/master-database.tokens';
import { preparedStatement } from '../postgres/prepared-statement';
import type { SchemaVersion } from '../registry/tenant';
import { LockingRead, TRY_LOCK_SQL } from '../master/advisory-lock';
import type { RolloutJobTarget } from './fleet.constants';
import { RolloutKind, RolloutOptions, RolloutState, RolloutTenantPage, RolloutTenantState } from './rollout';
import { RolloutRepository, RolloutTenantLogin, RolloutTenantLoginRow, rolloutTenantLogin } from './rollout.repository';

interface JobTargetRow {
  tenant_id: string;
  server: string;
}

const toJobTarget = (row: JobTargetRow): RolloutJobTarget => ({ tenantId: row.tenant_id, server: row.server });

/** What a worker reads before it touches a tenant. */
export interface RolloutStep {
  rolloutId: string;
  tenantId: string;
  kind: RolloutKind;
  targetFingerprint: string | null;
  options: RolloutOptions;
  rolloutState: RolloutState;
  state: RolloutTenantState;
  position: number;
  /** Still to be dealt with: in a running rollout, or begun (a `running` tenant is always finished). */
  due: boolean;
  /** Master records the tenant at the migration rollout's target: it is skipped without a look inside. */
  atTarget: boolean;
}

/** The step, if the tenant is in the rollout, and whether the read took the tenant's lock (tried only for a due step not at target). */
export interface FoundStep extends LockingRead {
  step?: RolloutStep;
}

export interface StepOutcome {
  state: 'migrated' | 'skipped';
  applied: string[];
  durationMs: number;
  /** The tenant's schema version now; recorded on its row in the same transaction. */
  schema?: SchemaVersion;
}

/** What settling a step did. */
export interface Settlement {
  settled: boolean;
  /** Other tenants of the rollout were still waiting for a worker: one of them, settling last, will see whether the rollout is done. */
  othersWaiting: boolean;
}

/** The tenant as a claimed step needs it: to log in as its role, and to name it. */
export type ClaimedTenant = RolloutTenantLogin;

const MAX_ERROR_TEXT = 2000;

/** A step still to be dealt with, over `rollout_tenants rt` and `rollouts r`: in a running rollout, or begun. */
const DUE_SQL = `(rt.state = 'running' OR (rt.state IN ('pending', 'queued') AND r.state = 'running'))`;

interface FoundStepRow {
  kind: RolloutKind;
  target_fingerprint: string | null;
  options: RolloutOptions;
  rollout_state: RolloutState;
  state: RolloutTenantState;
  position: number;
  due: boolean;
  at_target: boolean;
  locked: boolean | null;
}

/** The tenants of rollouts, one row each: their state, what was applied, how long it took, what failed. */
@Injectable()
export class RolloutStepRepository {
  constructor(
    @Inject(MASTER_KNEX) private readonly master: Knex,
    private readonly rollouts: RolloutRepository,
  ) {}

  /**
   * Reads the step and, when the tenant is due and not at the target, tries its advisory lock
   * (`lockKey`) in the same statement, on `session`: the session that is to hold it.
   */
  async findLocking(rolloutId: string, tenantId: string, lockKey: string, session: Client): Promise<FoundStep> {
    const { rows } = await this.master
      .raw<{ rows: FoundStepRow[] }>(
        `SELECT r.kind, r.target_fingerprint, r.options, r.state AS rollout_state, rt.state, rt.position, step.due, step.at_target,
                CASE WHEN step.due AND NOT step.at_target THEN ${TRY_LOCK_SQL} END AS locked
           FROM rollout_tenants rt
           JOIN rollouts r ON r.id = rt.rollout_id
           JOIN tenants t ON t.id = rt.tenant_id,
                LATERAL (SELECT ${DUE_SQL} AS due,
                                COALESCE(r.kind = 'migrate' AND t.schema_fingerprint = r.target_fingerprint, false) AS at_target) step
          WHERE rt.rollout_id = ? AND rt.tenant_id = ?`,
        [lockKey, rolloutId, tenantId],
      )
      .options(preparedStatement('rollout-step-find-locking'))
      .connection(session);
    const row = rows[0];
    if (!row) return { locked: null };
    return {
      locked: row.locked,
      step: {
        rolloutId,
        tenantId,
        kind: row.kind,
        targetFingerprint: row.target_fingerprint,
        options: row.options,
        rolloutState: row.rollout_state,
        state: row.state,
        position: row.position,
        due: row.due,
        atTarget: row.at_target,
      },
    };
  }

  /**
   * Marks the tenant `running` when it is still to be dealt with in a running rollout, and reads
   * what the worker needs of the tenant with it. One already `running` (its worker died, or an
   * earlier attempt failed) is claimed whatever the rollout's state: what was begun is finished
   * and recorded. Undefined when there is nothing to claim. On `session`, the one holding the
   * tenant's lock.
   */
  async claim(rolloutId: string, tenantId: string, session: Client): Promise<ClaimedTenant | undefined> {
    const { rows } = await this.master
      .raw<{ rows: RolloutTenantLoginRow[] }>(
        `UPDATE rollout_tenants rt SET state = 'running', updated_at = now()
         FROM rollouts r, tenants t
        WHERE r.id = rt.rollout_id AND t.id = rt.tenant_id AND rt.rollout_id = ? AND rt.tenant_id = ? AND ${DUE_SQL}
        RETURNING t.id, t.slug, t.status, t.db_name, t.db_password_encrypted, t.server`,
        [rolloutId, tenantId],
      )
      .options(preparedStatement('rollout-step-claim'))
      .connection(session);
    return rows[0] && rolloutTenantLogin(rows[0]);
  }

  /**
   * Settles the tenant's step, and records the tenant's schema version with it. `settled` is false
   * when it was settled already; `othersWaiting`, whether another tenant of the rollout is still
   * pending or queued. That row is share-locked until this commits, so its own settling commits
   * later: whichever tenant settles last sees none waiting. A row another statement has locked
   * (being settled, claimed or checked) is not counted, which can only make a tenant check needlessly.
   * On `session` when given (the one holding the tenant's lock), else on a pooled connection.
   */
  async recordOutcome(rolloutId: string, tenantId: string, outcome: StepOutcome, session?: Client): Promise<Settlement> {
    // One statement, so one round trip and an implicit transaction: the version is written only when the step settled.
    const { rows } = await this.master
      .raw<{ rows: { settled: boolean; others_waiting: boolean }[] }>(
        `WITH settled AS (
         UPDATE rollout_tenants SET state = ?, applied = ?::jsonb, duration_ms = ?, error = NULL, updated_at = now()
          WHERE rollout_id = ? AND tenant_id = ? AND state IN ('pending', 'queued', 'running')
         RETURNING tenant_id),
       versioned AS (
         UPDATE tenants SET schema_migration = ?, schema_fingerprint = ?, updated_at = now()
          WHERE ?::boolean AND id IN (SELECT tenant_id FROM settled))
       SELECT EXISTS (SELECT 1 FROM settled) AS settled,
              EXISTS (SELECT 1 FROM rollout_tenants
                       WHERE rollout_id = ? AND tenant_id <> ? AND state IN ('pending', 'queued')
                       LIMIT 1 FOR SHARE SKIP LOCKED) AS others_waiting`,
        [
          outcome.state,
          JSON.stringify(outcome.applied),
          outcome.durationMs,
          rolloutId,
          tenantId,
          outcome.schema?.migration ?? null,
          outcome.schema?.fingerprint ?? null,
          outcome.schema !== undefined,
          rolloutId,
          tenantId,
        ],
      )
      .options(preparedStatement('rollout-step-outcome'))
      .connection(session);
    return { settled: rows[0]?.settled === true, othersWaiting: rows[0]?.others_waiting === true };
  }

  /** An attempt failed and another will follow: the error is shown while the tenant stays `running`. */
  async recordAttemptError(rolloutId: string, tenantId: string, error: string): Promise<void> {
    await this.unsettled(this.master, rolloutId, tenantId).update({
      error: error.slice(0, MAX_ERROR_TEXT),
      updated_at: this.master.fn.now(),
    });
  }

  /** The tenant failed for good; with `stopReason`, the rollout stops with it (its tenants not started are cancelled). */
  async recordFailure(rolloutId: string, tenantId: string, failure: { error: string; durationMs: number; stopReason?: string }) {
    await this.master.transaction(async (trx) => {
      await this.unsettled(trx, rolloutId, tenantId).update({
        state: 'failed',
        duration_ms: failure.durationMs,
        error: failure.error.slice(0, MAX_ERROR_TEXT),
        updated_at: trx.fn.now(),
      });
      if (failure.stopReason) await this.rollouts.stop(rolloutId, failure.stopReason, trx);
    });
  }

  /**
   * Queues the tenants now due and returns them: every pending one of a running rollout, except
   * those after its canary while a canary tenant is not yet migrated or skipped.
   */
  async releaseDue(rolloutId: string): Promise<RolloutJobTarget[]> {
    const { rows } = await this.master.raw<{ rows: JobTargetRow[] }>(
      `UPDATE rollout_tenants rt SET state = 'queued', updated_at = now()
         FROM rollouts r, tenants t
        WHERE r.id = rt.rollout_id AND t.id = rt.tenant_id AND rt.rollout_id = ? AND r.state = 'running' AND rt.state = 'pending'
          AND (r.options->>'canary' IS NULL
               OR rt.position <= (r.options->>'canary')::int
               OR NOT EXISTS (SELECT 1 FROM rollout_tenants c
                               WHERE c.rollout_id = r.id AND c.position <= (r.options->>'canary')::int
                                 AND c.state NOT IN ('migrated', 'skipped')))
        RETURNING rt.tenant_id, t.server`,
      [rolloutId],
    );
    return rows.map(toJobTarget);
  }

  /** The tenants of a rollout in the given states, in order, with the servers whose queues take their jobs. */
  async jobTargetsIn(rolloutId: string, states: RolloutTenantState[]): Promise<RolloutJobTarget[]> {
    const rows = await this.master('rollout_tenants as rt')
      .join('tenants as t', 't.id', 'rt.tenant_id')
      .select<JobTargetRow[]>('rt.tenant_id', 't.server')
      .where('rt.rollout_id', rolloutId)
      .whereIn('rt.state', states)
      .orderBy('rt.position');
    return rows.map(toJobTarget);
  }

  /** By position; `after` is the last position of the previous page. */
  async page(rolloutId: string, query: { limit: number; after?: number; state?: RolloutTenantState }): Promise<RolloutTenantPage> {
    const builder = this.master('rollout_tenants as rt')
      .join('tenants as t', 't.id', 'rt.tenant_id')
      .select('rt.tenant_id', 't.slug', 'rt.position', 'rt.state', 'rt.applied', 'rt.duration_ms', 'rt.error', 'rt.updated_at')
      .where('rt.rollout_id', rolloutId)
      .orderBy('rt.position')
      .limit(query.limit + 1);
    if (query.after !== undefined) builder.where('rt.position', '>', query.after);
    if (query.state) builder.where('rt.state', query.state);
    const rows = (await builder) as {
      tenant_id: string;
      slug: string;
      position: number;
      state: RolloutTenantState;
      applied: string[];
      duration_ms: number | null;
      error: string | null;
      updated_at: Date;
    }[];
    const items = rows.slice(0, query.limit).map((row) => ({
      tenantId: row.tenant_id,
      slug: row.slug,
      position: row.position,
      state: row.state,
      applied: row.applied,
      durationMs: row.duration_ms,
      error: row.error,
      updatedAt: row.updated_at,
    }));
    return { items, nextCursor: rows.length > query.limit ? items.at(-1)!.position : null };
  }

  private unsettled(db: Knex, rolloutId: string, tenantId: string) {
    return db('rollout_tenants')
      .where({ rollout_id: rolloutId, tenant_id: tenantId })
      .whereIn('state', ['pending', 'queued', 'running']);
  }
}

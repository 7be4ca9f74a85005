import { Injectable } from '@nestjs/common';
import type { Client } from 'pg';
import { TenantRoleLogin } from '../credentials/tenant-role-login';
import { TenantError } from '../errors/tenant-error';
import { AdvisoryLock } from '../master/advisory-lock';
import { tenantLockKey } from '../master/lock-keys';
import { isConnectionError } from '../postgres/is-connection-error';
import { isMigrationLoadError } from '../postgres/migration-load.error';
import { TenantMigrationFiles } from '../tenant-databases/tenant-migration-files';
import { TenantSchemaMigrator } from '../tenant-databases/tenant-schema.migrator';
import { inCanary } from './rollout';
import { RolloutDispatcher } from './rollout-dispatcher';
import { ClaimedTenant, RolloutStep, RolloutStepRepository, StepOutcome } from './rollout-step.repository';
import { StepRefusedError } from './step-refused.error';

export interface RolloutStepAttempt {
  rolloutId: string;
  tenantId: string;
  /** The tenant fails for good only when this attempt was its last. */
  final: boolean;
}

/** What the attempt did: `nothing` when the tenant was settled, cancelled or claimed by none. */
export type RolloutStepResult = 'migrated' | 'skipped' | 'nothing';

type LockedRun = { result: RolloutStepResult; othersWaiting: boolean } | { error: unknown; settled: boolean };

/**
 * One tenant's part of a rollout. A tenant master already records at the target is skipped on
 * that one read; any other is migrated (or rolled back) under its advisory lock, logged in as its
 * own role, and its outcome, applied migrations and schema version recorded. Safe to run again
 * at any point: Knex records what it applied, and a settled tenant is never run twice.
 */
@Injectable()
export class RunRolloutStep {
  constructor(
    private readonly steps: RolloutStepRepository,
    private readonly dispatcher: RolloutDispatcher,
    private readonly migrator: TenantSchemaMigrator,
    private readonly files: TenantMigrationFiles,
    private readonly login: TenantRoleLogin,
    private readonly lock: AdvisoryLock,
  ) {}

  async execute({ rolloutId, tenantId, final }: RolloutStepAttempt): Promise<RolloutStepResult> {
    const lockKey = tenantLockKey(tenantId);
    const { found, value: run } = await this.lock.readThenRunExclusive(
      lockKey,
      (session) => this.steps.findLocking(rolloutId, tenantId, lockKey, session),
      ({ step }, session) => this.runLocked(step!, final, session),
    );
    const { step } = found;
    if (!step?.due) return 'nothing';
    if (step.atTarget) {
      const { settled, othersWaiting } = await this.steps.recordOutcome(rolloutId, tenantId, {
        state: 'skipped',
        applied: [],
        durationMs: 0,
      });
      if (settled) await this.dispatcher.afterSettled(rolloutId, step.options, othersWaiting);
      return settled ? 'skipped' : 'nothing';
    }
    if (!run) throw TenantError.busy(tenantId);
    // Outside the tenant's lock: what settled may let the next tenants go, or end the rollout.
    if (!('error' in run)) {
      if (run.result !== 'nothing') await this.dispatcher.afterSettled(rolloutId, step.options, run.othersWaiting);
      return run.result;
    }
    if (run.settled) await this.dispatcher.afterSettled(rolloutId, step.options);
    throw run.error;
  }

  /** Under the tenant's lock; master's statements go on the session that holds it. */
  private async runLocked(step: RolloutStep, final: boolean, session: Client): Promise<LockedRun> {
    const tenant = await this.steps.claim(step.rolloutId, step.tenantId, session);
    if (!tenant) return { result: 'nothing', othersWaiting: false };
    const started = Date.now();
    try {
      const outcome = step.kind === 'migrate' ? await this.migrate(step, tenant) : await this.rollback(tenant);
      const durationMs = Date.now() - started;
      const { settled, othersWaiting } = await this.steps.recordOutcome(
        step.rolloutId,
        step.tenantId,
        { ...outcome, durationMs },
        session,
      );
      return { result: settled ? outcome.state : 'nothing', othersWaiting };
    } catch (error) {
      return { error, settled: await this.recordFailure(step, tenant, error, final, Date.now() - started) };
    }
  }

  private async migrate(step: RolloutStep, tenant: ClaimedTenant): Promise<Omit<StepOutcome, 'durationMs'>> {
    assertReady(tenant);
    const { files, version } = await this.files.matching(step.targetFingerprint);
    if (version.fingerprint !== step.targetFingerprint) {
      throw new StepRefusedError(
        `this worker's tenant migrations (fingerprint ${short(version.fingerprint)}) are not the rollout's ` +
          `(${short(step.targetFingerprint)}): give the api and every worker the same TENANT_MIGRATIONS_DIR, then resume the rollout`,
      );
    }
    const applied = await this.migrator.migrateAsTenant(await this.login.url(tenant), files);
    return { state: applied.length ? 'migrated' : 'skipped', applied, schema: version };
  }

  private async rollback(tenant: ClaimedTenant): Promise<Omit<StepOutcome, 'durationMs'>> {
    assertReady(tenant);
    const { undone, remaining } = await this.migrator.rollbackAsTenant(await this.login.url(tenant));
    return { state: undone.length ? 'migrated' : 'skipped', applied: undone, schema: await this.files.versionOf(remaining) };
  }

  /**
   * The tenant fails for good on its last attempt, or at once when no attempt can do better; an
   * unreachable server or a migration file that cannot load is never the tenant's failure. Returns
   * whether the tenant is now settled.
   */
  private async recordFailure(
    step: RolloutStep,
    tenant: ClaimedTenant,
    error: unknown,
    final: boolean,
    durationMs: number,
  ): Promise<boolean> {
    const message = describe(error);
    if (isConnectionError(error) || isMigrationLoadError(error) || !(final || error instanceof StepRefusedError)) {
      await this.steps.recordAttemptError(step.rolloutId, step.tenantId, message).catch(() => undefined);
      return false;
    }
    const stops = inCanary(step.position, step.options) || !step.options.continueOnError;
    const stopReason = stops
      ? `tenant ${tenant.slug} failed${inCanary(step.position, step.options) ? ' in the canary' : ''}: ${message}`
      : undefined;
    await this.steps.recordFailure(step.rolloutId, step.tenantId, { error: message, durationMs, stopReason });
    return true;
  }
}

function assertReady(tenant: ClaimedTenant): void {
  if (tenant.status !== 'ready' || !tenant.dbPasswordEncrypted) {
    throw new StepRefusedError(`tenant is ${tenant.status}; only a ready tenant's database is migrated (logged in as its own role)`);
  }
}

function short(fingerprint: string | null): string {
  return fingerprint ? fingerprint.slice(0, 12) : 'none';
}

function describe(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}

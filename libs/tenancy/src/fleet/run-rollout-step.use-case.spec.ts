import { Test } from '@nestjs/testing';
import type { Client } from 'pg';
import { TenantRoleLogin } from '../credentials/tenant-role-login';
import { AdvisoryLock } from '../master/advisory-lock';
import { tenantLockKey } from '../master/lock-keys';
import { MigrationLoadError } from '../postgres/migration-load.error';
import type { Tenant } from '../registry/tenant';
import { TenantMigrationFiles } from '../tenant-databases/tenant-migration-files';
import { TenantSchemaMigrator } from '../tenant-databases/tenant-schema.migrator';
import { RolloutDispatcher } from './rollout-dispatcher';
import { ClaimedTenant, FoundStep, RolloutStep, RolloutStepRepository } from './rollout-step.repository';
import { RunRolloutStep } from './run-rollout-step.use-case';
import { StepRefusedError } from './step-refused.error';

/** A jest.fn() for each method of a class the use case depends on (Immich's automock). */
function automock(token: unknown): Record<string, jest.Mock> {
  if (typeof token !== 'function') throw new Error(`no automock for ${String(token)}`);
  const methods = Object.getOwnPropertyNames(token.prototype as object).filter((name) => name !== 'constructor');
  return Object.fromEntries(methods.map((name) => [name, jest.fn()]));
}

const TARGET = 'a'.repeat(64);
const VERSION = { migration: '29990101000000_create_invoices', fingerprint: TARGET };
const FILES = ['20250101000000_create_users_table.js', '29990101000000_create_invoices.js'];
const IDS = { rolloutId: 'rollout-1', tenantId: 'tenant-1' };
const LOGIN_URL = 'postgres://tenant_acme:secret@127.0.0.1/tenant_acme';

const step = (changes: Partial<RolloutStep> = {}): RolloutStep => ({
  ...IDS,
  kind: 'migrate',
  targetFingerprint: TARGET,
  options: {},
  rolloutState: 'running',
  state: 'queued',
  position: 7,
  due: true,
  atTarget: false,
  ...changes,
});
/** As master answers the step's read: the tenant's lock is asked for only when the step is due and not at target. */
const found = (found: RolloutStep, { busy = false } = {}): FoundStep => ({
  step: found,
  locked: found.due && !found.atTarget ? !busy : null,
});
const SESSION = {} as Client;
const tenant = (status: Tenant['status'] = 'ready'): ClaimedTenant => ({
  id: IDS.tenantId,
  slug: 'acme',
  status,
  dbName: 'tenant_acme',
  dbRole: 'tenant_acme',
  dbPasswordEncrypted: 'sealed',
  server: null,
});
const connectionError = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('RunRolloutStep', () => {
  let run: RunRolloutStep;
  let steps: jest.Mocked<RolloutStepRepository>;
  let dispatcher: jest.Mocked<RolloutDispatcher>;
  let migrator: jest.Mocked<TenantSchemaMigrator>;
  let files: jest.Mocked<TenantMigrationFiles>;
  let lock: jest.Mocked<AdvisoryLock>;

  beforeEach(async () => {
    const module = await Test.createTestingModule({ providers: [RunRolloutStep] })
      .useMocker(automock)
      .compile();
    run = module.get(RunRolloutStep);
    steps = jest.mocked(module.get(RolloutStepRepository));
    dispatcher = jest.mocked(module.get(RolloutDispatcher));
    migrator = jest.mocked(module.get(TenantSchemaMigrator));
    files = jest.mocked(module.get(TenantMigrationFiles));
    lock = jest.mocked(module.get(AdvisoryLock));

    lock.readThenRunExclusive.mockImplementation(async (_key, read, work) => {
      const read_ = await read(SESSION);
      return read_.locked ? { found: read_, value: await work(read_, SESSION) } : { found: read_ };
    });
    steps.findLocking.mockResolvedValue(found(step()));
    steps.claim.mockResolvedValue(tenant());
    steps.recordOutcome.mockResolvedValue({ settled: true, othersWaiting: false });
    steps.recordAttemptError.mockResolvedValue(undefined);
    jest.mocked(module.get(TenantRoleLogin)).url.mockResolvedValue(LOGIN_URL);
    files.matching.mockResolvedValue({ files: FILES, version: VERSION });
    migrator.migrateAsTenant.mockResolvedValue([VERSION.migration]);
  });

  it('skips a tenant master records at the target after that one read: no lock, no connection', async () => {
    steps.findLocking.mockResolvedValue(found(step({ atTarget: true })));

    expect(await run.execute({ ...IDS, final: false })).toBe('skipped');
    expect(steps.recordOutcome).toHaveBeenCalledWith(IDS.rolloutId, IDS.tenantId, { state: 'skipped', applied: [], durationMs: 0 });
    expect(steps.claim).not.toHaveBeenCalled();
    expect(migrator.migrateAsTenant).not.toHaveBeenCalled();
    expect(dispatcher.afterSettled).toHaveBeenCalledWith(IDS.rolloutId, expect.anything(), false);
  });

  it('leaves seeing whether the rollout is done to the others when they were still waiting', async () => {
    steps.recordOutcome.mockResolvedValue({ settled: true, othersWaiting: true });
    expect(await run.execute({ ...IDS, final: false })).toBe('migrated');
    expect(dispatcher.afterSettled).toHaveBeenCalledWith(IDS.rolloutId, expect.anything(), true);
  });

  it('does nothing for a tenant master says is not due (settled, cancelled, or not started in a stopped rollout)', async () => {
    steps.findLocking.mockResolvedValue(found(step({ due: false })));
    expect(await run.execute({ ...IDS, final: true })).toBe('nothing');
    expect(steps.claim).not.toHaveBeenCalled();
    expect(steps.recordOutcome).not.toHaveBeenCalled();
  });

  it('does nothing for a tenant not in the rollout', async () => {
    steps.findLocking.mockResolvedValue({ locked: null });
    expect(await run.execute({ ...IDS, final: true })).toBe('nothing');
    expect(steps.claim).not.toHaveBeenCalled();
  });

  it('finishes a tenant already running, even in a rollout stopped meanwhile', async () => {
    steps.findLocking.mockResolvedValue(found(step({ rolloutState: 'stopped', state: 'running' })));
    expect(await run.execute({ ...IDS, final: false })).toBe('migrated');
  });

  it("migrates as the tenant's role under its advisory lock, and records what it applied and the schema version", async () => {
    expect(await run.execute({ ...IDS, final: false })).toBe('migrated');

    expect(lock.readThenRunExclusive).toHaveBeenCalledWith(tenantLockKey(IDS.tenantId), expect.any(Function), expect.any(Function));
    expect(steps.findLocking).toHaveBeenCalledWith(IDS.rolloutId, IDS.tenantId, tenantLockKey(IDS.tenantId), SESSION);
    expect(steps.claim).toHaveBeenCalledWith(IDS.rolloutId, IDS.tenantId, SESSION);
    expect(files.matching).toHaveBeenCalledWith(TARGET);
    expect(migrator.migrateAsTenant).toHaveBeenCalledWith(LOGIN_URL, FILES);
    expect(steps.recordOutcome).toHaveBeenCalledWith(
      IDS.rolloutId,
      IDS.tenantId,
      { state: 'migrated', applied: [VERSION.migration], schema: VERSION, durationMs: expect.any(Number) },
      SESSION,
    );
    expect(dispatcher.afterSettled).toHaveBeenCalledWith(IDS.rolloutId, expect.anything(), false);
  });

  it('records a tenant with nothing pending as skipped, with its schema version (a tenant from before versions were kept)', async () => {
    migrator.migrateAsTenant.mockResolvedValue([]);
    expect(await run.execute({ ...IDS, final: false })).toBe('skipped');
    expect(steps.recordOutcome).toHaveBeenCalledWith(
      IDS.rolloutId,
      IDS.tenantId,
      expect.objectContaining({ state: 'skipped', schema: VERSION }),
      SESSION,
    );
  });

  it('refuses with busy, claiming nothing, when another process holds the tenant', async () => {
    steps.findLocking.mockResolvedValue(found(step(), { busy: true }));
    await expect(run.execute({ ...IDS, final: true })).rejects.toMatchObject({ code: 'busy' });
    expect(steps.claim).not.toHaveBeenCalled();
  });

  it('does nothing when another worker settled the tenant before it got the lock', async () => {
    steps.claim.mockResolvedValue(undefined);
    expect(await run.execute({ ...IDS, final: false })).toBe('nothing');
    expect(migrator.migrateAsTenant).not.toHaveBeenCalled();
  });

  it('rolls back the last batch and records what was undone and what is left', async () => {
    steps.findLocking.mockResolvedValue(found(step({ kind: 'rollback', targetFingerprint: null })));
    migrator.rollbackAsTenant.mockResolvedValue({ undone: [VERSION.migration], remaining: ['20250101000000_create_users_table'] });
    const left = { migration: '20250101000000_create_users_table', fingerprint: 'c'.repeat(64) };
    files.versionOf.mockResolvedValue(left);

    expect(await run.execute({ ...IDS, final: false })).toBe('migrated');
    expect(files.versionOf).toHaveBeenCalledWith(['20250101000000_create_users_table']);
    expect(steps.recordOutcome).toHaveBeenCalledWith(
      IDS.rolloutId,
      IDS.tenantId,
      expect.objectContaining({ state: 'migrated', applied: [VERSION.migration], schema: left }),
      SESSION,
    );
  });

  describe('when the tenant fails', () => {
    const failure = new Error('column "total" contains null values');

    it('shows the error while another attempt follows, without failing the tenant', async () => {
      migrator.migrateAsTenant.mockRejectedValue(failure);
      await expect(run.execute({ ...IDS, final: false })).rejects.toBe(failure);
      expect(steps.recordAttemptError).toHaveBeenCalledWith(IDS.rolloutId, IDS.tenantId, failure.message);
      expect(steps.recordFailure).not.toHaveBeenCalled();
      expect(dispatcher.afterSettled).not.toHaveBeenCalled();
    });

    it('fails it on the last attempt and stops the rollout (no continueOnError)', async () => {
      migrator.migrateAsTenant.mockRejectedValue(failure);
      await expect(run.execute({ ...IDS, final: true })).rejects.toBe(failure);
      expect(steps.recordFailure).toHaveBeenCalledWith(IDS.rolloutId, IDS.tenantId, {
        error: failure.message,
        durationMs: expect.any(Number),
        stopReason: `tenant acme failed: ${failure.message}`,
      });
      expect(dispatcher.afterSettled).toHaveBeenCalledWith(IDS.rolloutId, expect.anything());
    });

    it('lets the rest go on with continueOnError, past the canary', async () => {
      steps.findLocking.mockResolvedValue(found(step({ options: { canary: 3, continueOnError: true }, position: 4 })));
      migrator.migrateAsTenant.mockRejectedValue(failure);
      await expect(run.execute({ ...IDS, final: true })).rejects.toBe(failure);
      expect(steps.recordFailure).toHaveBeenCalledWith(
        IDS.rolloutId,
        IDS.tenantId,
        expect.objectContaining({ stopReason: undefined }),
      );
    });

    it('stops the rollout for a failure in the canary, continueOnError or not', async () => {
      steps.findLocking.mockResolvedValue(found(step({ options: { canary: 3, continueOnError: true }, position: 3 })));
      migrator.migrateAsTenant.mockRejectedValue(failure);
      await expect(run.execute({ ...IDS, final: true })).rejects.toBe(failure);
      expect(steps.recordFailure).toHaveBeenCalledWith(
        IDS.rolloutId,
        IDS.tenantId,
        expect.objectContaining({ stopReason: `tenant acme failed in the canary: ${failure.message}` }),
      );
    });

    it.each([
      ['an unreachable server', connectionError()],
      [
        'a migration file that cannot load',
        new MigrationLoadError('/m/29990101000000_create_invoices.ts', new SyntaxError("Unexpected token '{'")),
      ],
    ])('never fails it for %s, even on the last attempt', async (_what, error) => {
      migrator.migrateAsTenant.mockRejectedValue(error);
      await expect(run.execute({ ...IDS, final: true })).rejects.toBe(error);
      expect(steps.recordFailure).not.toHaveBeenCalled();
      expect(steps.recordAttemptError).toHaveBeenCalled();
    });

    const refusal = async () => {
      const thrown: unknown = await run.execute({ ...IDS, final: false }).catch((error: unknown) => error);
      expect(thrown).toBeInstanceOf(StepRefusedError);
      expect(migrator.migrateAsTenant).not.toHaveBeenCalled();
      expect(steps.recordFailure).toHaveBeenCalled();
      return (thrown as Error).message;
    };

    it("fails it at once, on any attempt, when this worker's migrations are not the rollout's", async () => {
      files.matching.mockResolvedValue({ files: FILES, version: { ...VERSION, fingerprint: 'd'.repeat(64) } });
      expect(await refusal()).toContain('the same TENANT_MIGRATIONS_DIR');
    });

    it('fails it at once, on any attempt, when the tenant is not ready (suspended, say)', async () => {
      steps.claim.mockResolvedValue(tenant('suspended'));
      expect(await refusal()).toContain('tenant is suspended');
    });
  });
});

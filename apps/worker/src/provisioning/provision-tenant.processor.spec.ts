import { Test } from '@nestjs/testing';
import { APP_CONFIG, loadConfig, MigrationLoadError, ProvisionTenant, ProvisionTenantJob, TenantError } from '@app/tenancy';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { KnexTimeoutError } from 'knex';
import { PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import { ProvisionTenantProcessor } from './provision-tenant.processor';

const NOW = 1_700_000_000_000;
const TOKEN = 'lock-token';

/** The part of a BullMQ job the processor reads; attempt counters as BullMQ keeps them. */
function fakeJob(counters: { attemptsMade?: number; attemptsStarted?: number; attempts?: number } = {}) {
  const job = {
    id: 'provision-tenant-1',
    data: { tenantId: 'tenant-1' },
    opts: { attempts: counters.attempts ?? 5 },
    attemptsMade: counters.attemptsMade ?? 0,
    attemptsStarted: counters.attemptsStarted ?? (counters.attemptsMade ?? 0) + 1,
    moveToDelayed: jest.fn(async (_timestamp: number, _token?: string) => undefined),
  };
  return job as unknown as Job<ProvisionTenantJob> & Pick<typeof job, 'moveToDelayed'>;
}

const connectionError = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('ProvisionTenantProcessor', () => {
  let execute: jest.MockedFunction<ProvisionTenant['execute']>;

  // Settings come from variables, as in production, so the configuration's inner shape is not this test's business.
  async function processorWith(environment: Record<string, string> = {}) {
    const module = await Test.createTestingModule({
      providers: [
        ProvisionTenantProcessor,
        { provide: ProvisionTenant, useValue: { execute } },
        { provide: PinoLogger, useValue: { logger: pino({ level: 'silent' }) } },
        { provide: APP_CONFIG, useValue: loadConfig(environment) },
      ],
    }).compile();
    return module.get(ProvisionTenantProcessor);
  }

  /** Runs one attempt that fails with `error` and returns how long the job was postponed, if it was. */
  async function postponement(error: unknown, job = fakeJob(), environment: Record<string, string> = {}) {
    execute.mockRejectedValue(error);
    const processor = await processorWith(environment);
    const thrown: unknown = await processor.process(job, TOKEN).catch((caught: unknown) => caught);
    if (!(thrown instanceof DelayedError)) {
      expect(job.moveToDelayed).not.toHaveBeenCalled();
      return undefined;
    }
    expect(job.moveToDelayed).toHaveBeenCalledTimes(1);
    const [until, token] = job.moveToDelayed.mock.calls[0]!;
    expect(token).toBe(TOKEN);
    return until - NOW;
  }

  beforeEach(() => {
    execute = jest.fn<ReturnType<ProvisionTenant['execute']>, Parameters<ProvisionTenant['execute']>>();
    execute.mockResolvedValue(undefined);
    jest.spyOn(Date, 'now').mockReturnValue(NOW);
  });
  afterEach(() => jest.restoreAllMocks());

  it.each([
    [{ attemptsMade: 0, attempts: 3 }, false],
    [{ attemptsMade: 1, attempts: 3 }, false],
    [{ attemptsMade: 2, attempts: 3 }, true],
    [{ attemptsMade: 0, attempts: 1 }, true],
  ])('runs the use case for the job tenant, final only on the last attempt (%o → final %s)', async (counters, final) => {
    const processor = await processorWith();
    await processor.process(fakeJob(counters), TOKEN);
    expect(execute).toHaveBeenCalledWith({ tenantId: 'tenant-1', final });
  });

  it('postpones a busy tenant by one second, whatever the attempt', async () => {
    const busy = () => TenantError.busy('tenant-1');
    expect(await postponement(busy())).toBe(1000);
    expect(await postponement(busy(), fakeJob({ attemptsMade: 2, attemptsStarted: 9 }))).toBe(1000);
  });

  describe('while PostgreSQL is unreachable', () => {
    it.each([
      [1, 0, 1000],
      [2, 0, 2000],
      [3, 0, 4000],
      [4, 0, 5000],
      [20, 0, 5000],
      [5, 2, 4000],
    ])(
      'doubles the backoff with each postponement, capped at 5 s (started %i, made %i → %i ms)',
      async (attemptsStarted, attemptsMade, waitMs) => {
        const job = fakeJob({ attemptsStarted, attemptsMade });
        expect(await postponement(connectionError(), job, { PROVISION_BACKOFF_MS: '1000' })).toBe(waitMs);
      },
    );

    it.each([
      ['0', 1, 100],
      ['10', 1, 100],
      ['10', 2, 200],
      ['10', 3, 400],
      ['3000', 2, 5000],
    ])('floors the base at 100 ms (PROVISION_BACKOFF_MS %s, started %i → %i ms)', async (backoff, attemptsStarted, waitMs) => {
      const job = fakeJob({ attemptsStarted, attemptsMade: 0 });
      expect(await postponement(connectionError(), job, { PROVISION_BACKOFF_MS: backoff })).toBe(waitMs);
    });

    it('counts no postponement when BullMQ does not report started attempts', async () => {
      const job = Object.assign(fakeJob({ attemptsMade: 3 }), { attemptsStarted: undefined });
      expect(await postponement(connectionError(), job, { PROVISION_BACKOFF_MS: '1000' })).toBe(1000);
    });

    it('treats a knex pool timeout as the server being away', async () => {
      expect(await postponement(new KnexTimeoutError('Knex: Timeout acquiring a connection'))).toBe(1000);
    });

    it('waits for a migration file that cannot load the same way, capped at 30 s: a person fixes it', async () => {
      const unloadable = () => new MigrationLoadError('/migrations/001_x.ts', new SyntaxError("Unexpected token '{'"));
      expect(await postponement(unloadable(), fakeJob({ attemptsStarted: 1 }), { PROVISION_BACKOFF_MS: '1000' })).toBe(1000);
      expect(await postponement(unloadable(), fakeJob({ attemptsStarted: 9 }), { PROVISION_BACKOFF_MS: '1000' })).toBe(30_000);
    });

    it('postpones even the final attempt without spending it', async () => {
      const job = fakeJob({ attemptsMade: 4, attemptsStarted: 5, attempts: 5 });
      expect(await postponement(connectionError(), job, { PROVISION_BACKOFF_MS: '1000' })).toBe(1000);
    });
  });

  it('spends an attempt on any other error: rethrown as it is, not postponed', async () => {
    const error = new Error('migration 003 failed');
    execute.mockRejectedValue(error);
    const job = fakeJob({ attemptsStarted: 3, attemptsMade: 0 });
    await expect((await processorWith()).process(job, TOKEN)).rejects.toBe(error);
    expect(job.moveToDelayed).not.toHaveBeenCalled();
    expect(await postponement(TenantError.notFound('tenant-1'))).toBeUndefined();
  });

  it.each([false, true])(
    'stops retrying a foreign database object: rethrown as UnrecoverableError (final attempt: %s)',
    async (final) => {
      const error = TenantError.foreignDatabaseObject('role', 'tenant_acme', 'was not made by this service');
      execute.mockRejectedValue(error);
      const job = fakeJob({ attemptsMade: final ? 4 : 0, attempts: 5 });

      const thrown: unknown = await (await processorWith()).process(job, TOKEN).catch((caught: unknown) => caught);
      expect(thrown).toBeInstanceOf(UnrecoverableError);
      expect(thrown).toMatchObject({ message: error.message });
      expect(job.moveToDelayed).not.toHaveBeenCalled();
    },
  );
});

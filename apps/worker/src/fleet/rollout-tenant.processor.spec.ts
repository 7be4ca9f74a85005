import { Test } from '@nestjs/testing';
import { APP_CONFIG, loadConfig, RolloutTenantJob, RunRolloutStep, StepRefusedError, TenantError } from '@app/tenancy';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import { RolloutTenantProcessor } from './rollout-tenant.processor';

function fakeJob(counters: { attemptsMade?: number; attempts?: number } = {}) {
  const job = {
    id: 'rollout-r1-t1',
    data: { rolloutId: 'r1', tenantId: 't1' },
    opts: { attempts: counters.attempts ?? 5 },
    attemptsMade: counters.attemptsMade ?? 0,
    attemptsStarted: (counters.attemptsMade ?? 0) + 1,
    moveToDelayed: jest.fn(async (_timestamp: number, _token?: string) => undefined),
  };
  return job as unknown as Job<RolloutTenantJob> & Pick<typeof job, 'moveToDelayed'>;
}

describe('RolloutTenantProcessor', () => {
  const execute = jest.fn<ReturnType<RunRolloutStep['execute']>, Parameters<RunRolloutStep['execute']>>();
  let processor: RolloutTenantProcessor;

  beforeEach(async () => {
    execute.mockReset().mockResolvedValue('migrated');
    const module = await Test.createTestingModule({
      providers: [
        RolloutTenantProcessor,
        { provide: RunRolloutStep, useValue: { execute } },
        { provide: PinoLogger, useValue: { logger: pino({ level: 'silent' }) } },
        { provide: APP_CONFIG, useValue: loadConfig({}) },
      ],
    }).compile();
    processor = module.get(RolloutTenantProcessor);
  });

  it.each([
    [{ attemptsMade: 0, attempts: 3 }, false],
    [{ attemptsMade: 2, attempts: 3 }, true],
  ])('runs the step of the job tenant, final only on the last attempt (%o → final %s)', async (counters, final) => {
    await processor.process(fakeJob(counters), 'token');
    expect(execute).toHaveBeenCalledWith({ rolloutId: 'r1', tenantId: 't1', final });
  });

  it('postpones a busy tenant without spending an attempt', async () => {
    execute.mockRejectedValue(TenantError.busy('t1'));
    const job = fakeJob();
    await expect(processor.process(job, 'token')).rejects.toBeInstanceOf(DelayedError);
    expect(job.moveToDelayed).toHaveBeenCalledWith(expect.any(Number), 'token');
  });

  it('ends a refused step at once: UnrecoverableError, no attempt left to spend', async () => {
    execute.mockRejectedValue(new StepRefusedError('tenant is suspended'));
    await expect(processor.process(fakeJob(), 'token')).rejects.toBeInstanceOf(UnrecoverableError);
  });

  it('spends an attempt on any other error, rethrown as it is', async () => {
    const error = new Error('column "total" contains null values');
    execute.mockRejectedValue(error);
    await expect(processor.process(fakeJob(), 'token')).rejects.toBe(error);
  });
});

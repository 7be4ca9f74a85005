import { Test } from '@nestjs/testing';
import { FleetQueue } from './fleet-queue.service';
import { RolloutDispatcher } from './rollout-dispatcher';
import { RolloutRepository } from './rollout.repository';
import { RolloutStepRepository } from './rollout-step.repository';

/** A jest.fn() for each method of a class the dispatcher depends on (Immich's automock). */
function automock(token: unknown): Record<string, jest.Mock> {
  if (typeof token !== 'function') throw new Error(`no automock for ${String(token)}`);
  const methods = Object.getOwnPropertyNames(token.prototype as object).filter((name) => name !== 'constructor');
  return Object.fromEntries(methods.map((name) => [name, jest.fn()]));
}

const ROLLOUT = 'rollout-1';

describe('RolloutDispatcher.afterSettled', () => {
  let dispatcher: RolloutDispatcher;
  let steps: jest.Mocked<RolloutStepRepository>;
  let rollouts: jest.Mocked<RolloutRepository>;
  let queue: jest.Mocked<FleetQueue>;

  beforeEach(async () => {
    const module = await Test.createTestingModule({ providers: [RolloutDispatcher] })
      .useMocker(automock)
      .compile();
    dispatcher = module.get(RolloutDispatcher);
    steps = jest.mocked(module.get(RolloutStepRepository));
    rollouts = jest.mocked(module.get(RolloutRepository));
    queue = jest.mocked(module.get(FleetQueue));
    steps.releaseDue.mockResolvedValue([]);
    rollouts.completeIfDone.mockResolvedValue(false);
  });

  it('without a canary, only sees whether the rollout is done: every tenant was queued at the start', async () => {
    await dispatcher.afterSettled(ROLLOUT, { continueOnError: true });
    expect(steps.releaseDue).not.toHaveBeenCalled();
    expect(rollouts.completeIfDone).toHaveBeenCalledWith(ROLLOUT);
  });

  it('without a canary, leaves that to the tenants still waiting when there were some', async () => {
    await dispatcher.afterSettled(ROLLOUT, {}, true);
    expect(rollouts.completeIfDone).not.toHaveBeenCalled();
  });

  it('with a canary, queues the tenants its end made due, then sees whether the rollout is done', async () => {
    const due = [
      { tenantId: 'tenant-4', server: 'default' },
      { tenantId: 'tenant-5', server: 'east' },
    ];
    steps.releaseDue.mockResolvedValue(due);
    await dispatcher.afterSettled(ROLLOUT, { canary: 3 });
    expect(queue.ensureJobs).toHaveBeenCalledWith(ROLLOUT, due);
    expect(rollouts.completeIfDone).toHaveBeenCalledWith(ROLLOUT);
  });
});

import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { FleetQueue } from './fleet-queue.service';
import type { RolloutOptions } from './rollout';
import { RolloutRepository } from './rollout.repository';
import { RolloutStepRepository } from './rollout-step.repository';

/**
 * Moves a rollout along from what master says: queues the tenants now due (the canary first,
 * then the rest), gives every queued or running tenant a live job after a crash, and completes
 * the rollout once no tenant is left. Each step is safe to run any number of times.
 */
@Injectable()
export class RolloutDispatcher {
  constructor(
    private readonly rollouts: RolloutRepository,
    private readonly steps: RolloutStepRepository,
    private readonly queue: FleetQueue,
    private readonly logger: PinoLogger,
  ) {}

  /**
   * For a rollout just recorded, whose tenants cannot have jobs yet. Redis being away is not an
   * error here: master holds the rollout, and the worker's reconciler queues its tenants later.
   */
  async startQueueing(rolloutId: string): Promise<void> {
    const due = await this.steps.releaseDue(rolloutId);
    try {
      await this.queue.enqueueNew(rolloutId, due);
    } catch (error) {
      this.logger.warn({ err: error, rolloutId }, 'rollout recorded, but its jobs could not be queued yet; the reconciler will');
    }
    await this.rollouts.completeIfDone(rolloutId);
  }

  /**
   * After one of its tenants settled. Only the end of a canary makes tenants due: without one,
   * startQueueing (or a resume's reconcile) queued every tenant, so what is left is to see
   * whether nothing is, which a tenant that saw others still waiting leaves to them (the last to
   * settle sees none waiting).
   */
  async afterSettled(rolloutId: string, options: RolloutOptions, othersWaiting = false): Promise<void> {
    if (options.canary !== undefined) await this.advance(rolloutId);
    else if (!othersWaiting) await this.rollouts.completeIfDone(rolloutId);
  }

  /** The next tenants may be due, or nothing may be left. */
  async advance(rolloutId: string): Promise<void> {
    const due = await this.steps.releaseDue(rolloutId);
    // A resumed rollout's tenants may have finished jobs from before: ensureJobs replaces those.
    if (due.length) await this.queue.ensureJobs(rolloutId, due);
    await this.rollouts.completeIfDone(rolloutId);
  }

  /** Returns how many jobs had to be added (lost with a worker or with Redis's data). */
  async reconcile(rolloutId: string): Promise<number> {
    await this.advance(rolloutId);
    return this.queue.ensureJobs(rolloutId, await this.steps.jobTargetsIn(rolloutId, ['queued', 'running']));
  }
}

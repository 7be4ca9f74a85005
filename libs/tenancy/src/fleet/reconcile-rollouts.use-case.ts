import { Injectable } from '@nestjs/common';
import { RolloutRepository } from './rollout.repository';
import { RolloutDispatcher } from './rollout-dispatcher';

/**
 * The master database is the truth; Redis may forget. Every running rollout's queued and running
 * tenants get a live job again, the tenants due are queued, and a rollout with none left is
 * completed. Returns how many jobs had to be added.
 */
@Injectable()
export class ReconcileRollouts {
  constructor(
    private readonly rollouts: RolloutRepository,
    private readonly dispatcher: RolloutDispatcher,
  ) {}

  async execute(): Promise<number> {
    let added = 0;
    for (const rolloutId of await this.rollouts.findRunningIds()) added += await this.dispatcher.reconcile(rolloutId);
    return added;
  }
}

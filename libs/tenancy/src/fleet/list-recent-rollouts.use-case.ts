import { Injectable } from '@nestjs/common';
import { RolloutRepository, RolloutSummary } from './rollout.repository';

/** The latest rollouts with their totals, newest first: how an operator follows the fleet's migrations. */
@Injectable()
export class ListRecentRollouts {
  constructor(private readonly rollouts: RolloutRepository) {}

  async execute(limit: number): Promise<RolloutSummary[]> {
    const rollouts = await this.rollouts.listRecent(limit);
    return Promise.all(rollouts.map(async (rollout) => ({ ...rollout, totals: await this.rollouts.totals(rollout.id) })));
  }
}

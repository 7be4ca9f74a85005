import { Injectable } from '@nestjs/common';
import { TenantError } from '../errors/tenant-error';
import { RolloutSummary, RolloutRepository } from './rollout.repository';

/**
 * Cancels a running or stopped rollout: tenants not started are `cancelled` and never touched;
 * those being migrated right now finish and are recorded. Cancelling twice is harmless.
 */
@Injectable()
export class CancelRollout {
  constructor(private readonly rollouts: RolloutRepository) {}

  async execute(rolloutId: string): Promise<RolloutSummary> {
    if (!(await this.rollouts.cancel(rolloutId))) {
      const { state } = await this.rollouts.getById(rolloutId);
      if (state === 'completed')
        throw TenantError.rolloutConflict(`rollout ${rolloutId} is completed; there is nothing left to cancel`);
    }
    return this.rollouts.summarize(rolloutId);
  }
}

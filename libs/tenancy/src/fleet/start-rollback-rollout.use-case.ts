import { Injectable } from '@nestjs/common';
import { TenantError } from '../errors/tenant-error';
import { RolloutSummary, RolloutRepository } from './rollout.repository';
import { RolloutDispatcher } from './rollout-dispatcher';
import { TenantReferences } from './tenant-references';

export interface RollbackRolloutOptions {
  /** Ids or slugs: each tenant's last Knex batch is undone. */
  tenants: string[];
  continueOnError?: boolean;
}

/** Undoes the last batch of migrations of each chosen tenant, as a rollout of kind `rollback`. */
@Injectable()
export class StartRollbackRollout {
  constructor(
    private readonly rollouts: RolloutRepository,
    private readonly references: TenantReferences,
    private readonly dispatcher: RolloutDispatcher,
  ) {}

  async execute(options: RollbackRolloutOptions): Promise<RolloutSummary> {
    // Never every tenant by default: a rollback names whom it is for.
    if (!options.tenants.length) throw TenantError.rolloutRejected('a rollback needs the tenants it is for');
    const tenantIds = await this.references.resolve(options.tenants);
    const rollout = await this.rollouts.create({ kind: 'rollback', targetFingerprint: null, options, tenantIds });
    await this.dispatcher.startQueueing(rollout.id);
    return this.rollouts.summarize(rollout.id);
  }
}

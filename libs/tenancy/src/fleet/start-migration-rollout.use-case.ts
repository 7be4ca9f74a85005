import { Injectable } from '@nestjs/common';
import { TenantError } from '../errors/tenant-error';
import { TenantMigrationFiles } from '../tenant-databases/tenant-migration-files';
import type { RolloutOptions } from './rollout';
import { RolloutSummary, RolloutRepository } from './rollout.repository';
import { RolloutDispatcher } from './rollout-dispatcher';
import { TenantReferences } from './tenant-references';

/**
 * Brings tenants to the current tenant migrations as a rollout: recorded in master first (its
 * target, its options, one row per tenant), then one job per tenant due (the canary's, or all)
 * queued for the workers. Returns at once; follow it with ShowRollout.
 */
@Injectable()
export class StartMigrationRollout {
  constructor(
    private readonly rollouts: RolloutRepository,
    private readonly references: TenantReferences,
    private readonly files: TenantMigrationFiles,
    private readonly dispatcher: RolloutDispatcher,
  ) {}

  async execute(request: RolloutOptions = {}): Promise<RolloutSummary> {
    const options = migrationOptions(request);
    const selection = await this.references.selectionFor(options);
    const { fingerprint } = await this.files.version();
    const rollout = await this.rollouts.create({ kind: 'migrate', targetFingerprint: fingerprint, options, ...selection });
    await this.dispatcher.startQueueing(rollout.id);
    return this.rollouts.summarize(rollout.id);
  }
}

/** The options a migration rollout keeps, checked: callers other than the api (the CLI) are not validated by zod. */
export function migrationOptions({ canary, continueOnError, tenants, statuses }: RolloutOptions): RolloutOptions {
  if (canary !== undefined && !(Number.isInteger(canary) && canary >= 1)) {
    throw TenantError.rolloutRejected(`canary must be a whole number of at least 1, not ${canary}`);
  }
  if (tenants?.length === 0) throw TenantError.rolloutRejected('tenants, when given, must name at least one tenant');
  if (statuses?.length === 0) throw TenantError.rolloutRejected('statuses, when given, must name at least one status');
  return { canary, continueOnError, tenants, statuses };
}

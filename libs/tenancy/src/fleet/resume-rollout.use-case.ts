import { Injectable } from '@nestjs/common';
import { TenantError } from '../errors/tenant-error';
import { TenantMigrationFiles } from '../tenant-databases/tenant-migration-files';
import { RolloutSummary, RolloutRepository } from './rollout.repository';
import { RolloutDispatcher } from './rollout-dispatcher';

/**
 * Finishes a rollout after anything: a crash (worker killed, api restarted, Redis flushed) leaves
 * it running with tenants that have no job, which get one again; a stopped or cancelled one runs
 * again, its failed and cancelled tenants with it. Nothing is applied twice: Knex records what
 * each tenant has, and each tenant's lock lets one worker at a time at it.
 */
@Injectable()
export class ResumeRollout {
  constructor(
    private readonly rollouts: RolloutRepository,
    private readonly files: TenantMigrationFiles,
    private readonly dispatcher: RolloutDispatcher,
  ) {}

  async execute(rolloutId: string): Promise<RolloutSummary> {
    const rollout = await this.rollouts.getById(rolloutId);
    if (rollout.state === 'completed') {
      throw TenantError.rolloutConflict(
        `rollout ${rolloutId} is completed; start a new one to go on (tenants already current are skipped)`,
      );
    }
    if (rollout.kind === 'migrate') {
      const { fingerprint } = await this.files.version();
      if (fingerprint !== rollout.targetFingerprint) {
        throw TenantError.rolloutConflict(
          `the tenant migrations changed since rollout ${rolloutId} began; start a new rollout to bring tenants to them`,
        );
      }
    }
    if (rollout.state !== 'running') await this.rollouts.reopen(rolloutId);
    await this.dispatcher.reconcile(rolloutId);
    return this.rollouts.summarize(rolloutId);
  }
}

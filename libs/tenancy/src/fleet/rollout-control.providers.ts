import type { Provider } from '@nestjs/common';
import { TenantMigrationFiles } from '../tenant-databases/tenant-migration-files';
import { CancelRollout } from './cancel-rollout.use-case';
import { ListRecentRollouts } from './list-recent-rollouts.use-case';
import { PlanMigrationRollout } from './plan-migration-rollout.use-case';
import { ResumeRollout } from './resume-rollout.use-case';
import { RolloutDispatcher } from './rollout-dispatcher';
import { RolloutStepRepository } from './rollout-step.repository';
import { RolloutRepository } from './rollout.repository';
import { ShowRollout } from './show-rollout.use-case';
import { StartMigrationRollout } from './start-migration-rollout.use-case';
import { StartRollbackRollout } from './start-rollback-rollout.use-case';
import { TenantReferences } from './tenant-references';

/**
 * What a process needs to start, follow, resume and cancel rollouts (the api, the CLI): the use
 * cases and what they use, beside the registry, tenant logins and the fleet queue.
 */
export const ROLLOUT_CONTROL_PROVIDERS: Provider[] = [
  TenantMigrationFiles,
  TenantReferences,
  RolloutRepository,
  RolloutStepRepository,
  RolloutDispatcher,
  StartMigrationRollout,
  PlanMigrationRollout,
  StartRollbackRollout,
  ShowRollout,
  ListRecentRollouts,
  ResumeRollout,
  CancelRollout,
];

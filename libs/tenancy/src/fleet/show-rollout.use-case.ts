import { Injectable } from '@nestjs/common';
import type { RolloutReport, RolloutTenantState } from './rollout';
import { RolloutRepository } from './rollout.repository';
import { RolloutStepRepository } from './rollout-step.repository';

export interface RolloutReportQuery {
  /** Tenants per page, by position. */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  after?: number;
  /** Only tenants in this state (`failed`, say). */
  state?: RolloutTenantState;
}

const DEFAULT_PAGE = 100;

/** A rollout's report: its state and options, totals that add up to its tenants, and a page of them. */
@Injectable()
export class ShowRollout {
  constructor(
    private readonly rollouts: RolloutRepository,
    private readonly steps: RolloutStepRepository,
  ) {}

  async execute(rolloutId: string, query: RolloutReportQuery = {}): Promise<RolloutReport> {
    const summary = await this.rollouts.summarize(rolloutId);
    const tenants = await this.steps.page(rolloutId, { limit: query.limit ?? DEFAULT_PAGE, after: query.after, state: query.state });
    return { ...summary, tenants };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { Knex } from 'knex';
import { MASTER_KNEX } from '../master/master-database.tokens';
import { probeMasterDatabase, probeWithin } from './health-probe';

/**
 * Readiness checks for an app that reads master but runs no queue (a tenant app): it needs
 * neither Redis's queue connection nor the provisioning machinery that DependencyHealthIndicator brings.
 */
@Injectable()
export class MasterDatabaseHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(MASTER_KNEX) private readonly master: Knex,
  ) {}

  masterDatabase(): Promise<HealthIndicatorResult> {
    return probeMasterDatabase(this.health, this.master);
  }

  /** Runs `check` within the timeout; figures it returns go into the `up` answer. */
  probe(key: string, check: () => Promise<Record<string, unknown> | void>): Promise<HealthIndicatorResult> {
    return probeWithin(this.health, key, check);
  }
}

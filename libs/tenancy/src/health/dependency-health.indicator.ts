import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { Queue } from 'bullmq';
import type { Knex } from 'knex';
import { MASTER_KNEX } from '../master/master-database.tokens';
import { PROVISIONING_QUEUE } from '../provisioning/provisioning.constants';
import { probeMasterDatabase, probeWithin } from './health-probe';

/** Readiness checks of what both apps depend on: the master database and Redis. */
@Injectable()
export class DependencyHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(MASTER_KNEX) private readonly master: Knex,
    @InjectQueue(PROVISIONING_QUEUE) private readonly queue: Queue,
  ) {}

  masterDatabase(): Promise<HealthIndicatorResult> {
    return probeMasterDatabase(this.health, this.master);
  }

  redis(): Promise<HealthIndicatorResult> {
    return this.probe('redis', async () => {
      const client = await this.queue.client;
      await client.info();
    });
  }

  /** Runs `check` within the timeout; figures it returns go into the `up` answer. */
  probe(key: string, check: () => Promise<Record<string, unknown> | void>): Promise<HealthIndicatorResult> {
    return probeWithin(this.health, key, check);
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { Queue } from 'bullmq';
import type { Knex } from 'knex';
import { MASTER_KNEX } from '../master/master-database.tokens';
import { PROVISIONING_QUEUE } from '../provisioning/provisioning.constants';

const CHECK_TIMEOUT_MS = 1500;

/** Readiness checks of what both apps depend on: the master database and Redis. */
@Injectable()
export class DependencyHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    @Inject(MASTER_KNEX) private readonly master: Knex,
    @InjectQueue(PROVISIONING_QUEUE) private readonly queue: Queue,
  ) {}

  masterDatabase(): Promise<HealthIndicatorResult> {
    return this.probe('master_database', async () => {
      await this.master.raw('SELECT 1');
    });
  }

  redis(): Promise<HealthIndicatorResult> {
    return this.probe('redis', async () => {
      const client = await this.queue.client;
      await client.info();
    });
  }

  /** Runs `check` within the timeout; figures it returns go into the `up` answer. */
  async probe(key: string, check: () => Promise<Record<string, unknown> | void>): Promise<HealthIndicatorResult> {
    const indicator = this.health.check(key);
    try {
      return indicator.up((await withTimeout(check(), CHECK_TIMEOUT_MS)) ?? undefined);
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { Knex } from 'knex';

const CHECK_TIMEOUT_MS = 1500;

/** Runs `check` within the timeout; figures it returns go into the `up` answer. */
export async function probeWithin(
  health: HealthIndicatorService,
  key: string,
  check: () => Promise<Record<string, unknown> | void>,
): Promise<HealthIndicatorResult> {
  const indicator = health.check(key);
  try {
    return indicator.up((await withTimeout(check(), CHECK_TIMEOUT_MS)) ?? undefined);
  } catch (error) {
    return indicator.down({ message: error instanceof Error ? error.message : String(error) });
  }
}

/** The master database answers a query. */
export function probeMasterDatabase(health: HealthIndicatorService, master: Knex): Promise<HealthIndicatorResult> {
  return probeWithin(health, 'master_database', async () => {
    await master.raw('SELECT 1');
  });
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}

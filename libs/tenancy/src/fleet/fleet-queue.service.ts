import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { FLEET_QUEUE, ROLLOUT_TENANT_JOB, RolloutTenantJob, rolloutJobId } from './fleet.constants';

const FINISHED_STATES = new Set(['completed', 'failed']);
/** Job states read at once: a round trip each, pipelined by ioredis. */
const CHUNK = 200;

/** The only way into the fleet queue. */
@Injectable()
export class FleetQueue {
  constructor(
    @InjectQueue(FLEET_QUEUE) private readonly queue: Queue<RolloutTenantJob>,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'provisioning'>,
  ) {}

  /**
   * Makes sure each tenant's step has a live job; returns how many were added. A waiting, delayed
   * or active job is left alone; a finished one (the run of an earlier pass, which found nothing to
   * do then) is replaced. Adding is idempotent, so callers racing each other cost nothing.
   */
  async ensureJobs(rolloutId: string, tenantIds: string[]): Promise<number> {
    let added = 0;
    for (let start = 0; start < tenantIds.length; start += CHUNK) {
      const ids = tenantIds.slice(start, start + CHUNK);
      const states = await Promise.all(ids.map((tenantId) => this.queue.getJobState(rolloutJobId(rolloutId, tenantId))));
      const finished = ids.filter((_, index) => FINISHED_STATES.has(states[index]!));
      const missing = ids.filter((_, index) => states[index] === 'unknown' || FINISHED_STATES.has(states[index]!));
      // remove() answers 0 for a job locked by a worker: then it is live, and the add below is a no-op.
      await Promise.all(finished.map((tenantId) => this.queue.remove(rolloutJobId(rolloutId, tenantId))));
      await this.add(rolloutId, missing);
      added += missing.length;
    }
    return added;
  }

  /** For tenants that cannot have a job yet (a rollout just recorded): no state read. */
  async enqueueNew(rolloutId: string, tenantIds: string[]): Promise<void> {
    for (let start = 0; start < tenantIds.length; start += CHUNK) await this.add(rolloutId, tenantIds.slice(start, start + CHUNK));
  }

  /** Whether any worker process is taking fleet jobs right now. */
  async hasWorkers(): Promise<boolean> {
    return (await this.queue.getWorkersCount()) > 0;
  }

  private async add(rolloutId: string, tenantIds: string[]): Promise<void> {
    if (!tenantIds.length) return;
    await this.queue.addBulk(
      tenantIds.map((tenantId) => ({
        name: ROLLOUT_TENANT_JOB,
        data: { rolloutId, tenantId },
        opts: {
          jobId: rolloutJobId(rolloutId, tenantId),
          attempts: this.config.provisioning.attempts,
          backoff: { type: 'exponential', delay: this.config.provisioning.backoffMs },
          removeOnComplete: { age: 24 * 3600, count: 50_000 },
          removeOnFail: { age: 7 * 24 * 3600 },
        },
      })),
    );
  }
}

import { getSharedConfigToken } from '@nestjs/bullmq';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Queue, QueueOptions } from 'bullmq';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { DEFAULT_SERVER } from '../servers/database-server';
import { fleetQueueName, ROLLOUT_TENANT_JOB, RolloutJobTarget, RolloutTenantJob, rolloutJobId } from './fleet.constants';

const FINISHED_STATES = new Set(['completed', 'failed']);
/** Job states read at once: a round trip each, pipelined by ioredis. */
const CHUNK = 200;

/**
 * The only way into the fleet queues: one per server, made on first use on the app's BullMQ
 * connection and prefix (BullModule.forRoot's shared configuration).
 */
@Injectable()
export class FleetQueue implements OnApplicationShutdown {
  private readonly queues = new Map<string, Queue<RolloutTenantJob>>();

  constructor(
    @Inject(getSharedConfigToken()) private readonly bullOptions: QueueOptions,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'provisioning'>,
  ) {}

  /** The server's queue, as workers and the board see it. */
  of(server: string): Queue<RolloutTenantJob> {
    let queue = this.queues.get(server);
    if (!queue) {
      queue = new Queue<RolloutTenantJob>(fleetQueueName(server), this.bullOptions);
      this.queues.set(server, queue);
    }
    return queue;
  }

  /**
   * Makes sure each tenant's step has a live job; returns how many were added. A waiting, delayed
   * or active job is left alone; a finished one (the run of an earlier pass, which found nothing to
   * do then) is replaced. Adding is idempotent, so callers racing each other cost nothing.
   */
  async ensureJobs(rolloutId: string, targets: RolloutJobTarget[]): Promise<number> {
    let added = 0;
    for (const [server, tenantIds] of byServer(targets)) {
      const queue = this.of(server);
      for (let start = 0; start < tenantIds.length; start += CHUNK) {
        const ids = tenantIds.slice(start, start + CHUNK);
        const states = await Promise.all(ids.map((tenantId) => queue.getJobState(rolloutJobId(rolloutId, tenantId))));
        const finished = ids.filter((_, index) => FINISHED_STATES.has(states[index]!));
        const missing = ids.filter((_, index) => states[index] === 'unknown' || FINISHED_STATES.has(states[index]!));
        // remove() answers 0 for a job locked by a worker: then it is live, and the add below is a no-op.
        await Promise.all(finished.map((tenantId) => queue.remove(rolloutJobId(rolloutId, tenantId))));
        await this.add(queue, rolloutId, missing);
        added += missing.length;
      }
    }
    return added;
  }

  /** For tenants that cannot have a job yet (a rollout just recorded): no state read. */
  async enqueueNew(rolloutId: string, targets: RolloutJobTarget[]): Promise<void> {
    for (const [server, tenantIds] of byServer(targets)) {
      for (let start = 0; start < tenantIds.length; start += CHUNK)
        await this.add(this.of(server), rolloutId, tenantIds.slice(start, start + CHUNK));
    }
  }

  /** Whether any worker process is taking fleet jobs right now (every worker serves every server's queue). */
  async hasWorkers(): Promise<boolean> {
    return (await this.of(DEFAULT_SERVER).getWorkersCount()) > 0;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
  }

  private async add(queue: Queue<RolloutTenantJob>, rolloutId: string, tenantIds: string[]): Promise<void> {
    if (!tenantIds.length) return;
    await queue.addBulk(
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

function byServer(targets: RolloutJobTarget[]): Map<string, string[]> {
  const grouped = new Map<string, string[]>();
  for (const { tenantId, server } of targets) {
    const tenantIds = grouped.get(server) ?? [];
    tenantIds.push(tenantId);
    grouped.set(server, tenantIds);
  }
  return grouped;
}

import { getQueueToken } from '@nestjs/bullmq';
import type { FactoryProvider } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Registry } from 'prom-client';
import { scrapedGauge } from './scraped-gauge';

const MORE_QUEUES = Symbol('MORE_QUEUES');
const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

/** tenancy_queue_jobs by queue and state, from BullMQ's counts (one Redis round trip per queue) at each scrape. */
export class QueueJobMetrics {
  /** For the queues named, which the app registers (BullModule.registerQueue), and those `more` answers at each scrape. */
  static forQueues(names: string[], more: Omit<FactoryProvider<() => Promise<Queue[]>>, 'provide'>): FactoryProvider[] {
    return [
      { ...more, provide: MORE_QUEUES },
      {
        provide: QueueJobMetrics,
        inject: [Registry, MORE_QUEUES, ...names.map((name) => getQueueToken(name))],
        useFactory: (registry: Registry, moreQueues: () => Promise<Queue[]>, ...named: Queue[]) =>
          new QueueJobMetrics(registry, async () => [...named, ...(await moreQueues())]),
      },
    ];
  }

  private constructor(registry: Registry, queuesNow: () => Promise<Queue[]>) {
    scrapedGauge(registry, {
      name: 'tenancy_queue_jobs',
      help: 'BullMQ jobs by queue and state (completed and failed: those still kept, see removeOnComplete and removeOnFail)',
      labelNames: ['queue', 'state'],
      read: async () => {
        const queues = await queuesNow();
        const counts = await Promise.all(queues.map((queue) => queue.getJobCounts(...JOB_STATES)));
        return queues.flatMap((queue, index) =>
          JOB_STATES.map((state) => ({ labels: { queue: queue.name, state }, value: counts[index]![state] ?? 0 })),
        );
      },
    });
  }
}

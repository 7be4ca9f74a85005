import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { PROVISIONING_QUEUE } from '@app/tenancy';
import { Queue } from 'bullmq';
import { CommandError } from '../output/command-error';

const FIRST_CONNECTION_MS = 5_000;

/**
 * BullMQ waits for its first connection to Redis for as long as it takes, so a command that
 * queues work would hang when Redis is down. It asks first, and refuses before anything is
 * recorded. (Every queue of the app connects with the same settings; one answering is enough.)
 */
@Injectable()
export class QueueConnection {
  constructor(@InjectQueue(PROVISIONING_QUEUE) private readonly queue: Queue) {}

  async assertReachable(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), FIRST_CONNECTION_MS)));
    const ready = this.queue.waitUntilReady().then(
      () => true,
      () => false,
    );
    const reachable = await Promise.race([ready, timedOut]);
    clearTimeout(timer);
    if (!reachable) {
      throw CommandError.failed(
        'queue_unavailable',
        `Redis (REDIS_URL) did not answer within ${FIRST_CONNECTION_MS / 1000} s, so nothing was recorded; start it or check REDIS_URL, then run this again`,
      );
    }
  }
}

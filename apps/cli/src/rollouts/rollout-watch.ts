import { Injectable } from '@nestjs/common';
import { FleetQueue, RolloutReport, RolloutTotals, ShowRollout } from '@app/tenancy';
import { follow } from '../command/follow';
import { CommandError } from '../output/command-error';
import type { Progress } from '../output/progress';
import { unsettled } from './rollout.view';

/** How often, while nothing moves, the watch checks that some worker takes fleet jobs at all. */
const WORKER_CHECK_MS = 10_000;
const NO_WORKER = 'no worker is taking fleet jobs: start one (npm run start:worker); the rollout waits for it';

/** Follows a rollout through its report until it is no longer running. */
@Injectable()
export class RolloutWatch {
  constructor(
    private readonly show: ShowRollout,
    private readonly queue: FleetQueue,
  ) {}

  /** The report once the rollout stopped running, with up to 100 of its failed tenants. */
  async settled(
    rolloutId: string,
    timeoutMs: number | undefined,
    progress: Progress,
  ): Promise<RolloutReport & { failed: RolloutReport['tenants']['items'] }> {
    let workerCheckAt = Date.now() + WORKER_CHECK_MS;
    let hint = '';
    await follow({
      // The totals are what is followed; one tenant row is the least a report reads.
      read: async () => {
        const report = await this.show.execute(rolloutId, { limit: 1 });
        if (Date.now() >= workerCheckAt) {
          workerCheckAt = Date.now() + WORKER_CHECK_MS;
          hint = (await this.queue.hasWorkers()) ? '' : NO_WORKER;
        }
        return report;
      },
      done: (report) => report.state !== 'running',
      seen: (report) =>
        progress.update(report.totals.total - unsettled(report), report.totals.total, [counts(report.totals), hint].join(' ').trim()),
      timeoutMs,
      everyMs: 500,
      timedOut: (report, seconds) =>
        CommandError.failed(
          'wait_timeout',
          `rollout ${rolloutId} is still running after ${seconds} s (${unsettled(report)} of ${report.totals.total} tenants to go). ` +
            `It goes on without you; follow it with: tenants rollout show ${rolloutId}`,
        ),
    });
    const [report, failed] = await Promise.all([this.show.execute(rolloutId), this.show.execute(rolloutId, { state: 'failed' })]);
    return { ...report, failed: failed.tenants.items };
  }
}

function counts({ migrated, skipped, failed, running, queued, pending }: RolloutTotals): string {
  return `(done ${migrated}, skipped ${skipped}, failed ${failed}; running ${running}, queued ${queued + pending})`;
}

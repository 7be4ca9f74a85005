import { isConnectionError, isMigrationLoadError, isTenantError } from '@app/tenancy';
import { DelayedError, Job } from 'bullmq';

const BUSY_TENANT_RETRY_MS = 1000;
const MAX_UNAVAILABLE_RETRY_MS = 5_000;
/** A migration file is fixed by a person, not in seconds: retry less often, and log each time. */
const MAX_UNLOADABLE_RETRY_MS = 30_000;
/** Room appears when an operator adds a server or raises a capacity. */
const MAX_NO_CAPACITY_RETRY_MS = 30_000;

/**
 * How long a job waits before it comes back without spending an attempt, or undefined when the
 * error is the job's own and spends one. Another worker holding the tenant, PostgreSQL being
 * away, a migration file that cannot load, every server full: none is the tenant's fault, so such a job finishes
 * once things are back, however long that takes. Waits double with each postponement.
 */
export function waitWithoutSpendingAttempt(job: Job, error: unknown, backoffMs: number): number | undefined {
  if (isTenantError(error, 'busy')) return BUSY_TENANT_RETRY_MS;
  const capMs = isMigrationLoadError(error)
    ? MAX_UNLOADABLE_RETRY_MS
    : isTenantError(error, 'no_server_capacity')
      ? MAX_NO_CAPACITY_RETRY_MS
      : isConnectionError(error)
        ? MAX_UNAVAILABLE_RETRY_MS
        : undefined;
  if (capMs === undefined) return undefined;
  const postponements = Math.max(0, (job.attemptsStarted ?? 1) - job.attemptsMade - 1);
  return Math.min(Math.max(backoffMs, 100) * 2 ** postponements, capMs);
}

/** Puts the job back for `waitMs`; the DelayedError thrown tells BullMQ it was not a failure. */
export async function postpone(job: Job, token: string | undefined, waitMs: number): Promise<never> {
  await job.moveToDelayed(Date.now() + waitMs, token);
  throw new DelayedError();
}

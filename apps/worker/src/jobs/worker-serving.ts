import type { Worker } from 'bullmq';

/** Taking jobs: running, and not closing for a shutdown. */
export function isServing(worker: Worker): boolean {
  return worker.isRunning() && !worker.closing;
}

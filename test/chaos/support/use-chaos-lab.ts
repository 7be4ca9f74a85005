import { ChaosLab } from './chaos-lab';
import { report } from './results-table';
import type { Tally } from './tally';

/**
 * One lab for a describe block: started before its tests, cleaned up after them, and the table of
 * the scenarios' results printed at the end, with where the logs were kept when one failed.
 */
export function useChaosLab(): { lab: ChaosLab; results: Tally[] } {
  const lab = new ChaosLab();
  const results: Tally[] = [];
  const suiteStarted = Date.now();

  beforeAll(() => lab.start(), 60_000);

  afterAll(async () => {
    let keptLogs: string | undefined;
    try {
      keptLogs = await lab.cleanup();
    } finally {
      process.stdout.write(report(results, Date.now() - suiteStarted, keptLogs));
    }
  }, 60_000);

  return { lab, results };
}

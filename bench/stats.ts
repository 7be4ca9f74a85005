/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface Summary {
  n: number;
  p50_ms: number;
  p95_ms: number;
  min_ms: number;
  max_ms: number;
  mean_ms: number;
  samples_ms: number[];
}

export function summarize(samples: number[]): Summary {
  return {
    n: samples.length,
    p50_ms: round(percentile(samples, 50)),
    p95_ms: round(percentile(samples, 95)),
    min_ms: round(Math.min(...samples)),
    max_ms: round(Math.max(...samples)),
    mean_ms: round(samples.reduce((sum, x) => sum + x, 0) / samples.length),
    samples_ms: samples.map((sample) => round(sample)),
  };
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/**
 * Runs `warmup` discarded iterations, then `n` timed ones, one after another; returns the timed
 * durations and their wall-clock total. Every series gets the same warm-up, because the first
 * CREATE DATABASEs of a series (here ~8, after the previous series was dropped) ran 3-10x slower
 * on the development server than the steady state.
 */
export async function timedSeries(
  warmup: number,
  n: number,
  iteration: (index: number, warm: boolean) => Promise<number | void>,
): Promise<{ samples: number[]; totalMs: number }> {
  for (let i = 0; i < warmup; i++) await iteration(i, true);
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const measured = await iteration(i, false);
    samples.push(typeof measured === 'number' ? measured : performance.now() - t0);
  }
  return { samples, totalMs: performance.now() - started };
}

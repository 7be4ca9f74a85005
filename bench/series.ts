/** The benchmark's series, in the order a run measures them. */
export const SERIES = ['floor', 'poc', 'e2e', 'throughput', 'http', 'routing', 'fleet', 'servers'] as const;
export type Series = (typeof SERIES)[number];

/**
 * The series `--only` names (`--only fleet --only http`, or `--only fleet,http`); every series
 * when none is named. An unknown name fails before anything runs.
 */
export function selectedSeries(argv: readonly string[]): Set<Series> {
  const named = argv.flatMap((arg, i) => (argv[i - 1] === '--only' ? arg.split(',') : []));
  if (argv.at(-1) === '--only') throw new Error(`--only needs a series: ${SERIES.join(', ')}`);
  const unknown = named.filter((name) => !(SERIES as readonly string[]).includes(name));
  if (unknown.length) throw new Error(`unknown series ${unknown.join(', ')}; the series are ${SERIES.join(', ')}`);
  return new Set(named.length ? (named as Series[]) : SERIES);
}

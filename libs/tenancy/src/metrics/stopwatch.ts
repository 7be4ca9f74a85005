/** Seconds between the laps of a multi-step operation, and in all, for duration histograms. */
export class Stopwatch<Lap extends string> {
  private readonly startedAt = performance.now();
  private lastAt = this.startedAt;
  private readonly seconds = new Map<Lap, number>();

  /** Ends `lap`, which began when the previous one ended (or the stopwatch started). */
  lap(lap: Lap): void {
    const now = performance.now();
    this.seconds.set(lap, (now - this.lastAt) / 1000);
    this.lastAt = now;
  }

  laps(): ReadonlyMap<Lap, number> {
    return this.seconds;
  }

  elapsedSeconds(): number {
    return (performance.now() - this.startedAt) / 1000;
  }
}

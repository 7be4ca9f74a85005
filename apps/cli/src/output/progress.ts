import { Presets, SingleBar } from 'cli-progress';

/** How far a long piece of work has got; drawn only for a person watching a terminal. */
export interface Progress {
  /** `done` of `total` (the total may grow as work is found, e.g. a rollout fanning out). */
  update(done: number, total?: number): void;
  stop(): void;
}

/** For scripts, CI and `--json`: the work is reported once, at the end. */
export const SILENT_PROGRESS: Progress = { update: () => undefined, stop: () => undefined };

/** A bar on stderr, so that stdout keeps only the result. */
export class ProgressBar implements Progress {
  private readonly bar: SingleBar;
  private started = false;

  constructor(
    private readonly label: string,
    stream: NodeJS.WritableStream,
  ) {
    this.bar = new SingleBar(
      { format: '{label} [{bar}] {value}/{total} {duration_formatted}', stream, hideCursor: true, etaBuffer: 50 },
      Presets.shades_classic,
    );
  }

  update(done: number, total?: number): void {
    if (!this.started) {
      this.bar.start(total ?? done, done, { label: this.label });
      this.started = true;
      return;
    }
    if (total !== undefined) this.bar.setTotal(total);
    this.bar.update(done);
  }

  stop(): void {
    if (this.started) this.bar.stop();
  }
}

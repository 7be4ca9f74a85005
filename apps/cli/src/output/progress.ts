import { Presets, SingleBar } from 'cli-progress';

/** How far a long piece of work has got. */
export interface Progress {
  /** `done` of `total` (the total may change as work is found); `detail`: what the numbers alone do not say. */
  update(done: number, total?: number, detail?: string): void;
  stop(): void;
}

/** For `--json` and short work: the result says it all, at the end. */
export const SILENT_PROGRESS: Progress = { update: () => undefined, stop: () => undefined };

/** A bar on stderr, for a person at a terminal; stdout keeps only the result. */
export class ProgressBar implements Progress {
  private readonly bar: SingleBar;
  private started = false;

  constructor(
    private readonly label: string,
    stream: NodeJS.WritableStream,
  ) {
    this.bar = new SingleBar(
      { format: '{label} [{bar}] {value}/{total} {duration_formatted} {detail}', stream, hideCursor: true, etaBuffer: 50 },
      Presets.shades_classic,
    );
  }

  update(done: number, total?: number, detail = ''): void {
    if (!this.started) {
      this.bar.start(total ?? done, done, { label: this.label, detail });
      this.started = true;
      return;
    }
    if (total !== undefined) this.bar.setTotal(total);
    this.bar.update(done, { detail });
  }

  stop(): void {
    if (this.started) this.bar.stop();
  }
}

/** For logs (CI, a pipe): a line on stderr whenever the count changes, never a redrawn bar. */
export class ProgressLines implements Progress {
  private last = '';

  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WritableStream,
  ) {}

  update(done: number, total?: number, detail?: string): void {
    const line = `${this.label}: ${done}${total === undefined ? '' : `/${total}`}${detail ? ` ${detail}` : ''}`;
    if (line !== this.last) this.stream.write(`${line}\n`);
    this.last = line;
  }

  stop(): void {
    this.last = '';
  }
}

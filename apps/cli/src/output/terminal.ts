import { Inject, Injectable } from '@nestjs/common';
import { EXIT_OK, ExitCode } from './exit-codes';
import type { Failure } from './failure';
import { Progress, ProgressBar, ProgressLines, SILENT_PROGRESS } from './progress';

export const TERMINAL_STREAMS = Symbol('TERMINAL_STREAMS');

export interface TerminalStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Running under CI (`CI` set): no progress bars, whatever the streams claim. */
  ci: boolean;
}

export interface OutputMode {
  /** `--json`: stdout gets one JSON document and nothing else. */
  json?: boolean;
}

/**
 * What the caller of the CLI sees: the result on stdout (one JSON document under `--json`, so that
 * `tenants list --json | jq` always works), notes, errors and bars on stderr, and the exit code.
 */
@Injectable()
export class Terminal {
  private worstExit: ExitCode = EXIT_OK;

  constructor(@Inject(TERMINAL_STREAMS) private readonly streams: TerminalStreams) {}

  /** The worst outcome reported so far: a later success cannot hide an earlier failure. */
  get exitCode(): ExitCode {
    return this.worstExit;
  }

  exitWith(code: ExitCode): void {
    if (code > this.worstExit) this.worstExit = code;
  }

  result(mode: OutputMode, output: { data: unknown; text: string }): void {
    const body = mode.json ? JSON.stringify(output.data, null, 2) : output.text;
    if (body) this.streams.stdout.write(`${body}\n`);
  }

  /** The error on stderr (and as `{ "error": … }` under `--json`), and its exit code. */
  fail(mode: OutputMode, failure: Failure): void {
    this.note(`error: ${failure.message}`);
    const { code, message, details } = failure;
    if (mode.json) this.result(mode, { data: { error: { code, message, ...details } }, text: '' });
    this.exitWith(failure.exitCode);
  }

  /** A line for the person at the terminal, never part of the result. */
  note(message: string): void {
    this.streams.stderr.write(`${message}\n`);
  }

  /**
   * A bar when a person is watching stdout, never under `--json`, CI or a pipe. Work long enough
   * to need a sign of life there (`lines`, a rollout) gets a line on stderr whenever it moves.
   */
  progress(label: string, mode: OutputMode, options: { lines?: boolean } = {}): Progress {
    const { stdout, stderr, ci } = this.streams;
    if (!mode.json && !ci && stdout.isTTY === true && stderr.isTTY === true) return new ProgressBar(label, stderr);
    return options.lines ? new ProgressLines(label, stderr) : SILENT_PROGRESS;
  }
}

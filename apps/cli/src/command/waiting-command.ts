import { Option } from 'nest-commander';
import type { OutputMode } from '../output/terminal';
import { CliCommand } from './cli-command';
import { wholeNumber } from './option-values';

export interface WaitOptions extends OutputMode {
  wait?: boolean;
  /** Seconds. */
  timeout?: number;
}

const DEFAULT_TIMEOUT_S = 300;

/** A command whose work a worker does later: `--wait` follows it to the end, within `--timeout`. */
export abstract class WaitingCommand<Options extends WaitOptions = WaitOptions> extends CliCommand<Options> {
  protected timeoutMs(options: Options): number {
    return (options.timeout ?? DEFAULT_TIMEOUT_S) * 1000;
  }

  @Option({ flags: '--wait', description: 'wait until the worker has done it (exit 0) or it failed (exit 1)' })
  parseWait(): boolean {
    return true;
  }

  @Option({ flags: '--timeout <seconds>', description: `how long --wait waits, 1 to 3600 (default ${DEFAULT_TIMEOUT_S})` })
  parseTimeout(value: string): number {
    return wholeNumber(value, 1, 3600);
  }
}

import { Inject } from '@nestjs/common';
import { Option } from 'nest-commander';
import type { OutputMode } from '../output/terminal';
import { CliCommand } from './cli-command';
import { wholeNumber } from './option-values';
import { QueueConnection } from './queue-connection';

export interface WaitOptions extends OutputMode {
  wait?: boolean;
  /** Seconds. */
  timeout?: number;
}

const DEFAULT_TIMEOUT_S = 300;
const MAX_TIMEOUT_S = 86_400;

/**
 * A command whose work a worker does later. It returns once the work is recorded and queued;
 * `--wait` follows it to the end (within `--timeout`). Stopping the wait stops only the watching:
 * the work is in master and the workers carry on.
 */
export abstract class WaitingCommand<Options extends WaitOptions = WaitOptions> extends CliCommand<Options> {
  // A property, so that subclasses need not pass it up through their constructors (Nest's stated use for it).
  @Inject(QueueConnection) protected readonly queues!: QueueConnection;

  /** How long `--wait` waits when no `--timeout` is given; undefined: as long as it takes. */
  protected readonly defaultTimeoutS: number | undefined = DEFAULT_TIMEOUT_S;

  protected timeoutMs(options: Options): number | undefined {
    const seconds = options.timeout ?? this.defaultTimeoutS;
    return seconds === undefined ? undefined : seconds * 1000;
  }

  @Option({ flags: '--wait', description: 'wait until the workers are done (exit 0) or it failed (exit 1)' })
  parseWait(): boolean {
    return true;
  }

  @Option({ flags: '--timeout <seconds>', description: `give up waiting after this long, 1 to ${MAX_TIMEOUT_S}` })
  parseTimeout(value: string): number {
    return wholeNumber(value, 1, MAX_TIMEOUT_S);
  }
}

import { CommandRunner, Option } from 'nest-commander';
import { EXIT_FAILED } from '../output/exit-codes';
import { failureOf } from '../output/failure';
import { OutputMode, Terminal } from '../output/terminal';

export type CommanderCommand = Parameters<CommandRunner['setCommand']>[0];

/**
 * nest-commander builds each command apart from the program, so none inherits its settings: a
 * usage error must show the command's help and reach main's handler (exit code 2) from each.
 */
export function withUsageErrors(command: CommanderCommand): CommanderCommand {
  return command.showHelpAfterError().exitOverride((error) => {
    throw error;
  });
}

export interface CommandOutcome {
  /** What `--json` prints. */
  data: unknown;
  /** What a person reads instead. */
  text: string;
  /** False when part of the work failed: the result is still printed, and the exit code is 1. */
  ok?: boolean;
}

/**
 * Every `tenants` command: `--json`, the result on stdout, refusals (TenantError, bad option
 * values) as a message and an exit code. A subclass only says what to do and how to show it.
 */
export abstract class CliCommand<Options extends OutputMode = OutputMode> extends CommandRunner {
  constructor(protected readonly terminal: Terminal) {
    super();
  }

  @Option({ flags: '--json', description: 'print the result as JSON on stdout, and nothing else there' })
  parseJson(): boolean {
    return true;
  }

  override setCommand(command: CommanderCommand): this {
    return super.setCommand(withUsageErrors(command));
  }

  async run(args: string[], options?: Options): Promise<void> {
    const mode: OutputMode = { json: options?.json === true };
    try {
      const outcome = await this.execute(args, options ?? ({} as Options));
      this.terminal.result(mode, outcome);
      if (outcome.ok === false) this.terminal.exitWith(EXIT_FAILED);
    } catch (error) {
      const failure = failureOf(error);
      if (!failure) throw error;
      this.terminal.fail(mode, failure);
    }
  }

  protected abstract execute(args: string[], options: Options): Promise<CommandOutcome>;
}

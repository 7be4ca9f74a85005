import { EXIT_FAILED, EXIT_USAGE, ExitCode } from './exit-codes';

/**
 * A refusal the CLI itself makes (a bad option value, a wait that timed out), as opposed to one
 * from the library's TenantError family: a message for stderr and the exit code it means.
 */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly code: string,
  ) {
    super(message);
    this.name = 'CommandError';
  }

  static usage(message: string): CommandError {
    return new CommandError(message, EXIT_USAGE, 'usage');
  }

  static failed(code: string, message: string): CommandError {
    return new CommandError(message, EXIT_FAILED, code);
  }
}

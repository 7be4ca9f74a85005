import { isConnectionError, TenantError, TenantErrorCode } from '@app/tenancy';
import { CommandError } from './command-error';
import { EXIT_FAILED, EXIT_USAGE, ExitCode } from './exit-codes';

/** An error as the caller sees it: one line for stderr, the same as JSON for `--json`, and the exit code. */
export interface Failure {
  code: string;
  message: string;
  exitCode: ExitCode;
  details?: Record<string, unknown>;
}

/** The one place where errors become exit codes; undefined for a bug, which is reported with its stack. */
export function failureOf(error: unknown): Failure | undefined {
  if (error instanceof TenantError) {
    return { code: error.code, message: error.message, exitCode: exitCodeOf(error.code), details: { ...error.details } };
  }
  if (error instanceof CommandError) return { code: error.code, message: error.message, exitCode: error.exitCode };
  if (isConnectionError(error)) {
    const reason = (error as Error).message;
    return {
      code: 'unavailable',
      message: `the master database is unavailable (${reason}); try again shortly`,
      exitCode: EXIT_FAILED,
    };
  }
  return undefined;
}

/** Exhaustive: a code added to TenantErrorCode without an exit code here does not compile. */
function exitCodeOf(code: TenantErrorCode): ExitCode {
  switch (code) {
    // What was asked cannot be honoured as asked, whatever the state of the fleet (the api's 400 and 422).
    case 'name_rejected':
    case 'idempotency_key_reused':
    case 'rollout_rejected':
    case 'backup_invalid':
    case 'server_rejected':
      return EXIT_USAGE;
    case 'tenant_not_found':
    case 'api_key_not_found':
    case 'slug_taken':
    case 'not_failed':
    case 'not_ready':
    case 'busy':
    case 'credentials_rejected':
    case 'foreign_database_object':
    case 'api_key_limit':
    case 'queue_unavailable':
    case 'rollout_not_found':
    case 'rollout_conflict':
    case 'wrong_status':
    case 'operation_in_progress':
    case 'backup_not_found':
    case 'server_not_found':
    case 'server_exists':
    case 'server_unavailable':
    case 'no_server_capacity':
    case 'no_room_to_restore':
      return EXIT_FAILED;
    default:
      return assertUnreachable(code);
  }
}

function assertUnreachable(code: never): never {
  throw new Error(`unmapped tenant error code ${String(code)}`);
}

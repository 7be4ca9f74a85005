import { configFromEnvironment, startupFailureMessage } from '@app/tenancy';
import { CommandFactory } from 'nest-commander';
import { Logger } from 'nestjs-pino';
import { CliModule } from './cli.module';
import { EXIT_FAILED, EXIT_USAGE } from './output/exit-codes';
import { failureOf } from './output/failure';
import { Terminal } from './output/terminal';

/** `npm run tenants -- <command>`: the fleet, from one command line. */
async function main(): Promise<void> {
  const config = configFromEnvironment();
  // CI is a trait of the terminal the CLI runs in, not a setting of the service.
  // eslint-disable-next-line no-restricted-properties
  const streams = { stdout: process.stdout, stderr: process.stderr, ci: Boolean(process.env.CI) };
  const app = await CommandFactory.createWithoutRunning(CliModule.forRoot(config, streams), {
    // Nest's start-up chatter is noise here; the services' own logs go to stderr once the logger is set.
    logger: false,
    // A start-up failure (master out of reach, say) comes back here to be told, instead of Nest exiting silently.
    abortOnError: false,
    // The program's own usage errors (an unknown command): commander has printed them already.
    errorHandler: (error) => {
      throw error;
    },
    serviceErrorHandler: (error) => terminal.exitWith(usageExitCode(error) ?? rethrow(error)),
  });
  app.useLogger(app.get(Logger));
  const terminal = app.get(Terminal);
  try {
    await CommandFactory.runApplication(app);
  } finally {
    await app.close();
  }
  process.exitCode = terminal.exitCode;
}

/** Commander's errors carry `commander.*` codes: help and version exit 0, the rest are usage errors. */
function usageExitCode(error: Error): 0 | typeof EXIT_USAGE | undefined {
  const { code, exitCode } = error as { code?: unknown; exitCode?: unknown };
  if (typeof code !== 'string' || !code.startsWith('commander.')) return undefined;
  return exitCode === 0 ? 0 : EXIT_USAGE;
}

function rethrow(error: unknown): never {
  throw error;
}

main().catch((error: unknown) => {
  const failure = failureOf(error);
  process.stderr.write(failure ? `error: ${failure.message}\n` : startupFailureMessage(error));
  process.exit(failure?.exitCode ?? EXIT_FAILED);
});

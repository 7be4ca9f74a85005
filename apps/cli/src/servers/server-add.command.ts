import { AddDatabaseServer, databaseServerView, namedEnvironmentVariable } from '@app/tenancy';
import { Option, SubCommand } from 'nest-commander';
import { CliCommand, CommandOutcome } from '../command/cli-command';
import { wholeNumber } from '../command/option-values';
import { OutputMode, Terminal } from '../output/terminal';
import { CommandError } from '../output/command-error';
import { MAX_CAPACITY } from './server-capacity';
import { serverText } from './server.view';

interface AddOptions extends OutputMode {
  url?: string;
  urlFromEnv?: string;
  capacity: number;
}

/**
 * The URL is never printed back, nor parsed by commander, whose errors would quote it. Given
 * with `--url-from-env`, it is in no shell history and no process list either.
 */
@SubCommand({
  name: 'add',
  arguments: '<name>',
  description: 'register a server once its login was tried (a role with CREATEDB and CREATEROLE, PostgreSQL 14+)',
})
export class ServerAddCommand extends CliCommand<AddOptions> {
  constructor(
    terminal: Terminal,
    private readonly addServer: AddDatabaseServer,
  ) {
    super(terminal);
  }

  protected async execute([name]: string[], { url, urlFromEnv, capacity }: AddOptions): Promise<CommandOutcome> {
    const added = await this.addServer.execute({ name: name!, url: provisionerUrl(url, urlFromEnv), capacity });
    // Its login has just answered.
    const server = databaseServerView({ ...added, reachable: true });
    return { data: server, text: serverText(server) };
  }

  @Option({ flags: '--url <url>', description: "the provisioner's postgres:// URL on it (kept sealed); or --url-from-env" })
  parseUrl(value: string): string {
    return value;
  }

  @Option({
    flags: '--url-from-env <variable>',
    description: 'the environment variable holding that URL, so that its password is in no shell history or process list',
  })
  parseUrlFromEnv(value: string): string {
    return value;
  }

  @Option({ flags: '--capacity <n>', description: `the most tenant databases it may hold, 1 to ${MAX_CAPACITY}`, required: true })
  parseCapacity(value: string): number {
    return wholeNumber(value, 1, MAX_CAPACITY);
  }
}

function provisionerUrl(url: string | undefined, variable: string | undefined): string {
  if ((url === undefined) === (variable === undefined))
    throw CommandError.usage('give the URL with exactly one of --url and --url-from-env');
  if (url !== undefined) return url;
  const value = namedEnvironmentVariable(variable!);
  if (!value) throw CommandError.usage(`the environment variable ${variable} named by --url-from-env is not set`);
  return value;
}

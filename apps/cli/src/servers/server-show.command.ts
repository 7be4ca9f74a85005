import { databaseServerView, ListDatabaseServers } from '@app/tenancy';
import { SubCommand } from 'nest-commander';
import { CliCommand, CommandOutcome } from '../command/cli-command';
import { Terminal } from '../output/terminal';
import { serverText } from './server.view';

@SubCommand({ name: 'show', arguments: '<name>', description: 'one server, as list shows each' })
export class ServerShowCommand extends CliCommand {
  constructor(
    terminal: Terminal,
    private readonly listServers: ListDatabaseServers,
  ) {
    super(terminal);
  }

  protected async execute([name]: string[]): Promise<CommandOutcome> {
    const server = databaseServerView(await this.listServers.show(name!));
    return { data: server, text: serverText(server) };
  }
}

import { databaseServerView, ListDatabaseServers } from '@app/tenancy';
import { SubCommand } from 'nest-commander';
import { CliCommand, CommandOutcome } from '../command/cli-command';
import { Terminal } from '../output/terminal';
import { serversText } from './server.view';

@SubCommand({ name: 'list', description: 'every server: state, tenants against capacity, whether its login answers now' })
export class ServerListCommand extends CliCommand {
  constructor(
    terminal: Terminal,
    private readonly listServers: ListDatabaseServers,
  ) {
    super(terminal);
  }

  protected async execute(): Promise<CommandOutcome> {
    const items = (await this.listServers.execute()).map(databaseServerView);
    return { data: { items }, text: serversText(items) };
  }
}

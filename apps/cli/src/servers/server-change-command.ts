import { ChangeDatabaseServer, DatabaseServerChanges, databaseServerView, ListDatabaseServers } from '@app/tenancy';
import { Injectable } from '@nestjs/common';
import { CliCommand, CommandOutcome } from '../command/cli-command';
import { OutputMode, Terminal } from '../output/terminal';
import { serverText } from './server.view';

/**
 * drain, enable, disable, update: a change to the server's row, answered with the server as it is
 * now. Injectable so that subclasses, which declare no constructor, inherit its parameters.
 */
@Injectable()
export abstract class ServerChangeCommand<Options extends OutputMode = OutputMode> extends CliCommand<Options> {
  constructor(
    terminal: Terminal,
    private readonly changeServer: ChangeDatabaseServer,
    private readonly listServers: ListDatabaseServers,
  ) {
    super(terminal);
  }

  protected abstract changes(options: Options): DatabaseServerChanges;

  protected async execute([name]: string[], options: Options): Promise<CommandOutcome> {
    await this.changeServer.execute(name!, this.changes(options));
    const server = databaseServerView(await this.listServers.show(name!));
    return { data: server, text: serverText(server) };
  }
}

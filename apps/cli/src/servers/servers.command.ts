import { Command, CommandRunner } from 'nest-commander';
import { CommanderCommand, withUsageErrors } from '../command/cli-command';
import { ServerAddCommand } from './server-add.command';
import { ServerDisableCommand } from './server-disable.command';
import { ServerDrainCommand } from './server-drain.command';
import { ServerEnableCommand } from './server-enable.command';
import { ServerListCommand } from './server-list.command';
import { ServerShowCommand } from './server-show.command';
import { ServerUpdateCommand } from './server-update.command';

const SUB_COMMANDS = 'add, list, show, drain, enable, disable or update';

/** `tenants servers <command>`: the group alone is a usage error that lists them. */
@Command({
  name: 'servers',
  description: 'the PostgreSQL servers tenant databases are placed on: add, list, show, drain, enable, disable, update',
  subCommands: [
    ServerAddCommand,
    ServerListCommand,
    ServerShowCommand,
    ServerDrainCommand,
    ServerEnableCommand,
    ServerDisableCommand,
    ServerUpdateCommand,
  ],
})
export class ServersCommand extends CommandRunner {
  override setCommand(command: CommanderCommand): this {
    return super.setCommand(withUsageErrors(command));
  }

  async run([unknown]: string[]): Promise<void> {
    this.command.error(
      unknown === undefined ? `error: servers needs a command: ${SUB_COMMANDS}` : `error: unknown servers command '${unknown}'`,
    );
  }
}

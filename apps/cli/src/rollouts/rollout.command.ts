import { Command, CommandRunner } from 'nest-commander';
import { CommanderCommand, withUsageErrors } from '../command/cli-command';
import { RolloutCancelCommand } from './rollout-cancel.command';
import { RolloutResumeCommand } from './rollout-resume.command';
import { RolloutShowCommand } from './rollout-show.command';

/** `tenants rollout show|resume|cancel <id>`: the group alone is a usage error that lists them. */
@Command({
  name: 'rollout',
  description: 'show, resume or cancel a rollout that migrate or rollback started',
  subCommands: [RolloutShowCommand, RolloutResumeCommand, RolloutCancelCommand],
})
export class RolloutCommand extends CommandRunner {
  override setCommand(command: CommanderCommand): this {
    return super.setCommand(withUsageErrors(command));
  }

  async run([unknown]: string[]): Promise<void> {
    this.command.error(
      unknown === undefined
        ? 'error: rollout needs a command: show, resume or cancel'
        : `error: unknown rollout command '${unknown}'`,
    );
  }
}

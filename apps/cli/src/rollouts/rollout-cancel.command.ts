import { CancelRollout } from '@app/tenancy';
import { SubCommand } from 'nest-commander';
import { CliCommand, CommandOutcome } from '../command/cli-command';
import { Terminal } from '../output/terminal';
import { rolloutId } from './rollout-id';
import { rolloutSummaryText } from './rollout.view';

@SubCommand({
  name: 'cancel',
  arguments: '<id>',
  description: 'cancel a rollout: tenants not started are never touched; those being migrated now finish',
})
export class RolloutCancelCommand extends CliCommand {
  constructor(
    terminal: Terminal,
    private readonly cancel: CancelRollout,
  ) {
    super(terminal);
  }

  protected async execute([id]: string[]): Promise<CommandOutcome> {
    const rollout = await this.cancel.execute(rolloutId(id));
    return { data: rollout, text: rolloutSummaryText(rollout) };
  }
}

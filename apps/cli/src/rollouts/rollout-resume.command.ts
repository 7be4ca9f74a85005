import { ResumeRollout, RolloutSummary } from '@app/tenancy';
import { SubCommand } from 'nest-commander';
import { Terminal } from '../output/terminal';
import { RolloutLaunchCommand } from './rollout-launch-command';
import { rolloutId } from './rollout-id';
import { RolloutWatch } from './rollout-watch';

@SubCommand({
  name: 'resume',
  arguments: '<id>',
  description: 'finish a rollout after a crash, or run a stopped or cancelled one again (nothing is applied twice)',
})
export class RolloutResumeCommand extends RolloutLaunchCommand {
  constructor(
    terminal: Terminal,
    watch: RolloutWatch,
    private readonly resume: ResumeRollout,
  ) {
    super(terminal, watch);
  }

  protected start([id]: string[]): Promise<RolloutSummary> {
    return this.resume.execute(rolloutId(id));
  }
}

import { RolloutSummary, StartRollbackRollout } from '@app/tenancy';
import { Command, Option } from 'nest-commander';
import { collect } from '../command/option-values';
import type { WaitOptions } from '../command/waiting-command';
import { Terminal } from '../output/terminal';
import { RolloutLaunchCommand } from './rollout-launch-command';
import { RolloutWatch } from './rollout-watch';

interface RollbackOptions extends WaitOptions {
  tenants?: string[];
  continueOnError?: boolean;
}

@Command({
  name: 'rollback',
  description: "undo each named tenant's last batch of tenant migrations, as a rollout run by the workers",
})
export class RollbackCommand extends RolloutLaunchCommand<RollbackOptions> {
  constructor(
    terminal: Terminal,
    watch: RolloutWatch,
    private readonly startRollback: StartRollbackRollout,
  ) {
    super(terminal, watch);
  }

  protected start(_args: string[], { tenants, continueOnError }: RollbackOptions): Promise<RolloutSummary> {
    return this.startRollback.execute({ tenants: tenants ?? [], continueOnError });
  }

  // Required: never every tenant by default, a rollback names whom it is for.
  @Option({
    flags: '--tenant <tenant>',
    description: 'a tenant (id or slug) to roll back; repeat for more',
    name: 'tenants',
    required: true,
  })
  parseTenant(value: string, previous?: string[]): string[] {
    return collect(value, previous);
  }

  @Option({ flags: '--continue-on-error', description: 'record a failed tenant and go on (default: stop)' })
  parseContinueOnError(): boolean {
    return true;
  }
}

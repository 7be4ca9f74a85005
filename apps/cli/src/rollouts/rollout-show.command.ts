import { ROLLOUT_TENANT_STATES, RolloutTenantState, ShowRollout } from '@app/tenancy';
import { Option, SubCommand } from 'nest-commander';
import { CliCommand, CommandOutcome } from '../command/cli-command';
import { oneOf, wholeNumber } from '../command/option-values';
import { OutputMode, Terminal } from '../output/terminal';
import { rolloutId } from './rollout-id';
import { rolloutFailed, rolloutReportText } from './rollout.view';

interface ShowOptions extends OutputMode {
  state?: RolloutTenantState;
  limit?: number;
  after?: number;
}

@SubCommand({
  name: 'show',
  arguments: '<id>',
  description:
    'a rollout: its state, totals that add up to its tenants, and per tenant what was applied, how long it took, the error',
})
export class RolloutShowCommand extends CliCommand<ShowOptions> {
  constructor(
    terminal: Terminal,
    private readonly show: ShowRollout,
  ) {
    super(terminal);
  }

  protected async execute([id]: string[], { state, limit, after }: ShowOptions): Promise<CommandOutcome> {
    const report = await this.show.execute(rolloutId(id), { state, limit, after });
    return { data: report, text: rolloutReportText(report), ok: !rolloutFailed(report) };
  }

  @Option({ flags: '--state <state>', description: 'only tenants in this state (failed, say)', choices: [...ROLLOUT_TENANT_STATES] })
  parseState(value: string): RolloutTenantState {
    return oneOf(value, ROLLOUT_TENANT_STATES);
  }

  @Option({ flags: '--limit <n>', description: 'tenants per page, 1 to 1000 (default 100)' })
  parseLimit(value: string): number {
    return wholeNumber(value, 1, 1000);
  }

  @Option({ flags: '--after <position>', description: "start after this position (the previous page's nextCursor)" })
  parseAfter(value: string): number {
    return wholeNumber(value, 0, Number.MAX_SAFE_INTEGER);
  }
}

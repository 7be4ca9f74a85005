import type { RolloutSummary } from '@app/tenancy';
import type { CommandOutcome } from '../command/cli-command';
import { WaitingCommand, WaitOptions } from '../command/waiting-command';
import type { Terminal } from '../output/terminal';
import { RolloutWatch } from './rollout-watch';
import { rolloutFailed, rolloutSummaryText, rolloutTenantsText } from './rollout.view';

/**
 * A command that starts (or resumes) a rollout: recorded in master and queued by the use case,
 * run by the workers. Without `--wait` the answer is the rollout as recorded; with it, its report
 * once it stops running (a bar meanwhile), and exit 1 unless it completed with no tenant failed.
 */
export abstract class RolloutLaunchCommand<Options extends WaitOptions = WaitOptions> extends WaitingCommand<Options> {
  /** A rollout takes as long as its tenants do. */
  protected override readonly defaultTimeoutS = undefined;

  constructor(
    terminal: Terminal,
    private readonly watch: RolloutWatch,
  ) {
    super(terminal);
  }

  protected abstract start(args: string[], options: Options): Promise<RolloutSummary>;

  protected async execute(args: string[], options: Options): Promise<CommandOutcome> {
    await this.queues.assertReachable();
    const rollout = await this.start(args, options);
    if (!options.wait) {
      const follow = `follow it with: tenants rollout show ${rollout.id}`;
      return { data: rollout, text: `${rolloutSummaryText(rollout)}\n${follow}`, ok: !rolloutFailed(rollout) };
    }
    this.terminal.note(
      `rollout ${rollout.id}: ${rollout.totals.total} tenant(s); follow it elsewhere with: tenants rollout show ${rollout.id}`,
    );
    const progress = this.terminal.progress(`${rollout.kind} ${rollout.id.slice(0, 8)}`, options, { lines: true });
    try {
      const report = await this.watch.settled(rollout.id, this.timeoutMs(options), progress);
      const failed = report.failed.length ? `\n\nfailed:\n${rolloutTenantsText(report.failed)}` : '';
      return {
        data: report,
        text: `${rolloutSummaryText(report)}${failed}`,
        ok: report.state === 'completed' && report.totals.failed === 0,
      };
    } finally {
      progress.stop();
    }
  }
}

import { PlanMigrationRollout, RolloutSummary, StartMigrationRollout, TENANT_STATUSES, TenantStatus } from '@app/tenancy';
import { Command, Option } from 'nest-commander';
import type { CommandOutcome } from '../command/cli-command';
import { collect, oneOf, wholeNumber } from '../command/option-values';
import type { WaitOptions } from '../command/waiting-command';
import { Terminal } from '../output/terminal';
import { RolloutLaunchCommand } from './rollout-launch-command';
import { RolloutWatch } from './rollout-watch';
import { rolloutPlanText } from './rollout.view';

interface MigrateOptions extends WaitOptions {
  canary?: number;
  continueOnError?: boolean;
  tenants?: string[];
  statuses?: TenantStatus[];
  dryRun?: boolean;
}

@Command({
  name: 'migrate',
  description:
    'bring tenants to the current tenant migrations as a rollout run by the workers (every ready tenant unless --tenant or --status)',
})
export class MigrateCommand extends RolloutLaunchCommand<MigrateOptions> {
  constructor(
    terminal: Terminal,
    watch: RolloutWatch,
    private readonly startRollout: StartMigrationRollout,
    private readonly plan: PlanMigrationRollout,
  ) {
    super(terminal, watch);
  }

  protected override async execute(args: string[], options: MigrateOptions): Promise<CommandOutcome> {
    if (!options.dryRun) return super.execute(args, options);
    const plan = await this.plan.execute(rolloutOptions(options));
    return { data: plan, text: rolloutPlanText(plan), ok: plan.totals.unknown === 0 };
  }

  protected start(_args: string[], options: MigrateOptions): Promise<RolloutSummary> {
    return this.startRollout.execute(rolloutOptions(options));
  }

  @Option({ flags: '--canary <n>', description: 'the first n tenants go alone; any failure among them stops the rollout' })
  parseCanary(value: string): number {
    return wholeNumber(value, 1, 1_000_000);
  }

  @Option({ flags: '--continue-on-error', description: 'after the canary, record a failed tenant and go on (default: stop)' })
  parseContinueOnError(): boolean {
    return true;
  }

  @Option({ flags: '--tenant <tenant>', description: 'only this tenant (id or slug); repeat for more', name: 'tenants' })
  parseTenant(value: string, previous?: string[]): string[] {
    return collect(value, previous);
  }

  @Option({
    flags: '--status <status>',
    description: 'only tenants with this status; repeat for more (default: ready)',
    name: 'statuses',
  })
  parseStatus(value: string, previous?: TenantStatus[]): TenantStatus[] {
    return [...(previous ?? []), oneOf(value, TENANT_STATUSES)];
  }

  @Option({ flags: '--dry-run', description: 'show which migrations would run where, read as each tenant; record nothing' })
  parseDryRun(): boolean {
    return true;
  }
}

function rolloutOptions({ canary, continueOnError, tenants, statuses }: MigrateOptions) {
  return { canary, continueOnError, tenants, statuses };
}

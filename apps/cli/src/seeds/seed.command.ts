import { Inject } from '@nestjs/common';
import { APP_CONFIG, AppConfig, SeedTenants, TenantRepository, TenantSeedReport } from '@app/tenancy';
import { Command, Option } from 'nest-commander';
import { CliCommand, CommandOutcome } from '../command/cli-command';
import { nonEmpty } from '../command/option-values';
import { OutputMode, Terminal } from '../output/terminal';
import { seedReportText, sumSeedReports } from './seed-report';

interface SeedOptions extends OutputMode {
  tenant?: string;
}

const PAGE_SIZE = 500;

@Command({ name: 'seed', description: 'apply the tenant seeds a ready tenant lacks, to every ready tenant or one' })
export class SeedCommand extends CliCommand<SeedOptions> {
  constructor(
    terminal: Terminal,
    private readonly seeds: SeedTenants,
    private readonly tenants: TenantRepository,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'tenants'>,
  ) {
    super(terminal);
  }

  protected async execute(_args: string[], options: SeedOptions): Promise<CommandOutcome> {
    if (!this.config.tenants.seedsEnabled) this.terminal.note('TENANT_SEEDS=off: no seed is run');
    const report = options.tenant !== undefined ? await this.seeds.execute({ tenant: options.tenant }) : await this.seedAll(options);
    return { data: report, text: seedReportText(report), ok: report.failed.length === 0 && report.busy.length === 0 };
  }

  /** Tenant by tenant, so that a person watching sees how far it got. */
  private async seedAll(mode: OutputMode): Promise<TenantSeedReport> {
    const ids = this.config.tenants.seedsEnabled ? await this.readyTenantIds() : [];
    const progress = this.terminal.progress('seeding', mode, { lines: true });
    const reports: TenantSeedReport[] = [];
    try {
      progress.update(0, ids.length);
      for (const id of ids) {
        reports.push(await this.seeds.execute({ tenant: id }));
        progress.update(reports.length);
      }
    } finally {
      progress.stop();
    }
    return sumSeedReports(reports);
  }

  private async readyTenantIds(): Promise<string[]> {
    const ids: string[] = [];
    let after: string | undefined;
    do {
      const page = await this.tenants.list({ status: 'ready', limit: PAGE_SIZE, after });
      ids.push(...page.tenants.map((tenant) => tenant.id));
      after = page.nextCursor ?? undefined;
    } while (after);
    return ids;
  }

  @Option({ flags: '--tenant <tenant>', description: 'only this tenant (id or slug)' })
  parseTenant(value: string): string {
    return nonEmpty(value);
  }
}

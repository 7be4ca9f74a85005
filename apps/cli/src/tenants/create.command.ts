import { RegisterTenant } from '@app/tenancy';
import { Command, Option } from 'nest-commander';
import { CliCommand, CommandOutcome } from '../command/cli-command';
import { wholeNumber } from '../command/option-values';
import { OutputMode, Terminal } from '../output/terminal';
import { ProvisioningWatch } from './provisioning-watch';
import { tenantText, tenantView } from './tenant.view';

interface CreateOptions extends OutputMode {
  wait?: boolean;
  timeout?: number;
}

const DEFAULT_TIMEOUT_S = 300;

@Command({
  name: 'create',
  arguments: '<name>',
  description: 'register a tenant and queue its provisioning (as POST /org/create does)',
})
export class CreateCommand extends CliCommand<CreateOptions> {
  constructor(
    terminal: Terminal,
    private readonly register: RegisterTenant,
    private readonly watch: ProvisioningWatch,
  ) {
    super(terminal);
  }

  protected async execute([name]: string[], options: CreateOptions): Promise<CommandOutcome> {
    const { tenant, jobId } = await this.register.execute({ name: name! });
    if (!options.wait) {
      const view = { ...tenantView(tenant), jobId };
      return { data: view, text: `${tenantText(view)}\nfollow it with: tenants show ${tenant.id}` };
    }
    const progress = this.terminal.progress(`provisioning ${tenant.slug}`, options);
    try {
      const settled = tenantView(await this.watch.settled(tenant.id, (options.timeout ?? DEFAULT_TIMEOUT_S) * 1000, progress));
      const ok = settled.status === 'ready';
      if (!ok) this.terminal.note(`error: tenant ${settled.slug} is ${settled.status}: ${settled.error ?? 'no error recorded'}`);
      return { data: { ...settled, jobId }, text: tenantText(settled), ok };
    } finally {
      progress.stop();
    }
  }

  @Option({ flags: '--wait', description: 'wait until the tenant is ready (exit 0) or failed (exit 1)' })
  parseWait(): boolean {
    return true;
  }

  @Option({ flags: '--timeout <seconds>', description: `how long --wait waits, 1 to 3600 (default ${DEFAULT_TIMEOUT_S})` })
  parseTimeout(value: string): number {
    return wholeNumber(value, 1, 3600);
  }
}

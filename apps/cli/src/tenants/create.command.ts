import { RegisterTenant } from '@app/tenancy';
import { Command, Option } from 'nest-commander';
import type { CommandOutcome } from '../command/cli-command';
import { nonEmpty } from '../command/option-values';
import { WaitingCommand, WaitOptions } from '../command/waiting-command';
import { Terminal } from '../output/terminal';
import { ProvisioningWatch } from './provisioning-watch';
import { tenantText, tenantView } from './tenant.view';

interface CreateOptions extends WaitOptions {
  server?: string;
}

@Command({
  name: 'create',
  arguments: '<name>',
  description: 'register a tenant and queue its provisioning (as POST /org/create does)',
})
export class CreateCommand extends WaitingCommand<CreateOptions> {
  constructor(
    terminal: Terminal,
    private readonly register: RegisterTenant,
    private readonly watch: ProvisioningWatch,
  ) {
    super(terminal);
  }

  protected async execute([name]: string[], options: CreateOptions): Promise<CommandOutcome> {
    await this.queues.assertReachable();
    const { tenant, jobId } = await this.register.execute({ name: name!, server: options.server });
    if (!options.wait) {
      const view = { ...tenantView(tenant), jobId };
      return { data: view, text: `${tenantText(view)}\nfollow it with: tenants show ${tenant.id}` };
    }
    const progress = this.terminal.progress(`provisioning ${tenant.slug}`, options);
    try {
      const settled = tenantView(await this.watch.settled(tenant.id, this.timeoutMs(options), progress));
      const ok = settled.status === 'ready';
      if (!ok) this.terminal.note(`error: tenant ${settled.slug} is ${settled.status}: ${settled.error ?? 'no error recorded'}`);
      return { data: { ...settled, jobId }, text: tenantText(settled), ok };
    } finally {
      progress.stop();
    }
  }

  @Option({
    flags: '--server <server>',
    description: 'the database server to place it on (default: the active one with the most room)',
  })
  parseServer(value: string): string {
    return nonEmpty(value);
  }
}

import { RegisterTenant } from '@app/tenancy';
import { Command } from 'nest-commander';
import type { CommandOutcome } from '../command/cli-command';
import { WaitingCommand, WaitOptions } from '../command/waiting-command';
import { Terminal } from '../output/terminal';
import { ProvisioningWatch } from './provisioning-watch';
import { tenantText, tenantView } from './tenant.view';

@Command({
  name: 'create',
  arguments: '<name>',
  description: 'register a tenant and queue its provisioning (as POST /org/create does)',
})
export class CreateCommand extends WaitingCommand {
  constructor(
    terminal: Terminal,
    private readonly register: RegisterTenant,
    private readonly watch: ProvisioningWatch,
  ) {
    super(terminal);
  }

  protected async execute([name]: string[], options: WaitOptions): Promise<CommandOutcome> {
    await this.queues.assertReachable();
    const { tenant, jobId } = await this.register.execute({ name: name! });
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
}

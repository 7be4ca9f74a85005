import { Command } from 'nest-commander';
import { CliCommand, CommandOutcome } from '../command/cli-command';
import { Terminal } from '../output/terminal';
import { TenantFinder } from './tenant-finder';
import { tenantText, tenantView } from './tenant.view';

@Command({ name: 'show', arguments: '<tenant>', description: 'one tenant, by id or slug' })
export class ShowCommand extends CliCommand {
  constructor(
    terminal: Terminal,
    private readonly finder: TenantFinder,
  ) {
    super(terminal);
  }

  protected async execute([reference]: string[]): Promise<CommandOutcome> {
    const tenant = tenantView(await this.finder.get(reference!));
    return { data: tenant, text: tenantText(tenant) };
  }
}

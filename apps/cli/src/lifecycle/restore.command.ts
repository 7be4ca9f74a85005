import { AcceptedOperation, TenantStatus, RestoreTenant } from '@app/tenancy';
import { Command, Option } from 'nest-commander';
import { nonEmpty } from '../command/option-values';
import type { WaitOptions } from '../command/waiting-command';
import { Terminal } from '../output/terminal';
import { LifecycleCommand } from './lifecycle-command';
import { OperationWatch } from './operation-watch';

interface RestoreOptions extends WaitOptions {
  backup?: string;
  as?: string;
}

@Command({
  name: 'restore',
  arguments: '<tenant>',
  description:
    'bring a purged tenant (id or slug) back from its backup, with a new role password; or make a new tenant from it with --as',
})
export class RestoreCommand extends LifecycleCommand<RestoreOptions> {
  constructor(
    terminal: Terminal,
    watch: OperationWatch,
    private readonly restore: RestoreTenant,
  ) {
    super(terminal, watch);
  }

  protected leadsTo(): TenantStatus {
    return 'ready';
  }

  protected request(reference: string, options: RestoreOptions): Promise<AcceptedOperation> {
    return this.restore.execute(reference, { backup: options.backup, as: options.as });
  }

  @Option({
    flags: '--backup <file>',
    description: 'the archive in BACKUP_DIR (absolute or relative to it); default: the one its purge recorded',
  })
  parseBackup(value: string): string {
    return nonEmpty(value);
  }

  @Option({ flags: '--as <name>', description: 'restore into a new tenant of this name; the original stays as it is' })
  parseAs(value: string): string {
    return nonEmpty(value);
  }
}

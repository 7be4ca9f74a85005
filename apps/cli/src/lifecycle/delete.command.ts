import { AcceptedOperation, DeleteTenant, TenantStatus } from '@app/tenancy';
import { Command, Option } from 'nest-commander';
import type { WaitOptions } from '../command/waiting-command';
import { Terminal } from '../output/terminal';
import { LifecycleCommand } from './lifecycle-command';
import { OperationWatch } from './operation-watch';

interface DeleteOptions extends WaitOptions {
  purge?: boolean;
  backup?: boolean;
}

@Command({
  name: 'delete',
  arguments: '<tenant>',
  description:
    'delete a tenant (id or slug): connections refused at once, data kept for TENANT_DELETE_RETENTION_DAYS, then backed up and purged',
})
export class DeleteCommand extends LifecycleCommand<DeleteOptions> {
  constructor(
    terminal: Terminal,
    watch: OperationWatch,
    private readonly deleteTenant: DeleteTenant,
  ) {
    super(terminal, watch);
  }

  protected leadsTo(options: DeleteOptions): TenantStatus {
    return options.purge ? 'purged' : 'deleted';
  }

  protected request(reference: string, options: DeleteOptions): Promise<AcceptedOperation> {
    return this.deleteTenant.execute(reference, { purge: options.purge === true, backup: options.backup ?? true });
  }

  @Option({ flags: '--purge', description: 'purge now (also a tenant deleted earlier): back up, then drop its database and role' })
  parsePurge(): boolean {
    return true;
  }

  @Option({ flags: '--no-backup', description: 'drop the database without a pg_dump into BACKUP_DIR first' })
  parseNoBackup(): boolean {
    return false;
  }
}

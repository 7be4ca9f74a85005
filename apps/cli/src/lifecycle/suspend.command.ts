import { AcceptedOperation, TenantStatus, SuspendTenant } from '@app/tenancy';
import { Command } from 'nest-commander';
import { Terminal } from '../output/terminal';
import { LifecycleCommand } from './lifecycle-command';
import { OperationWatch } from './operation-watch';

@Command({
  name: 'suspend',
  arguments: '<tenant>',
  description: 'suspend a ready tenant (id or slug): its role can no longer log in, its sessions end, tenant apps answer 403',
})
export class SuspendCommand extends LifecycleCommand {
  constructor(
    terminal: Terminal,
    watch: OperationWatch,
    private readonly suspend: SuspendTenant,
  ) {
    super(terminal, watch);
  }

  protected leadsTo(): TenantStatus {
    return 'suspended';
  }

  protected request(reference: string): Promise<AcceptedOperation> {
    return this.suspend.execute(reference);
  }
}

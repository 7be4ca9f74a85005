import { AcceptedOperation, TenantStatus, ResumeTenant } from '@app/tenancy';
import { Command } from 'nest-commander';
import { Terminal } from '../output/terminal';
import { LifecycleCommand } from './lifecycle-command';
import { OperationWatch } from './operation-watch';

@Command({
  name: 'resume',
  arguments: '<tenant>',
  description: 'resume a suspended tenant (id or slug): ready again once its role can log in',
})
export class ResumeCommand extends LifecycleCommand {
  constructor(
    terminal: Terminal,
    watch: OperationWatch,
    private readonly resume: ResumeTenant,
  ) {
    super(terminal, watch);
  }

  protected leadsTo(): TenantStatus {
    return 'ready';
  }

  protected request(reference: string): Promise<AcceptedOperation> {
    return this.resume.execute(reference);
  }
}

import { AcceptedOperation, MoveTenant, TenantStatus } from '@app/tenancy';
import { Command, Option } from 'nest-commander';
import { nonEmpty } from '../command/option-values';
import type { WaitOptions } from '../command/waiting-command';
import { Terminal } from '../output/terminal';
import { LifecycleCommand } from './lifecycle-command';
import { OperationWatch } from './operation-watch';

interface MoveOptions extends WaitOptions {
  to: string;
}

@Command({
  name: 'move',
  arguments: '<tenant>',
  description:
    "move a ready tenant's database (id or slug) to another server: tenant apps answer 503 while it is copied and verified, then reach it there",
})
export class MoveCommand extends LifecycleCommand<MoveOptions> {
  constructor(
    terminal: Terminal,
    watch: OperationWatch,
    private readonly move: MoveTenant,
  ) {
    super(terminal, watch);
  }

  protected leadsTo(): TenantStatus {
    return 'ready';
  }

  protected request(reference: string, options: MoveOptions): Promise<AcceptedOperation> {
    return this.move.execute(reference, options.to);
  }

  @Option({ flags: '--to <server>', description: 'the registered server to move it to (see tenants servers list)', required: true })
  parseTo(value: string): string {
    return nonEmpty(value);
  }
}

import { DatabaseServerChanges } from '@app/tenancy';
import { SubCommand } from 'nest-commander';
import { ServerChangeCommand } from './server-change-command';

@SubCommand({ name: 'disable', arguments: '<name>', description: 'place no new tenants on it (its tenants stay where they are)' })
export class ServerDisableCommand extends ServerChangeCommand {
  protected changes(): DatabaseServerChanges {
    return { state: 'disabled' };
  }
}

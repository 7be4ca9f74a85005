import { DatabaseServerChanges } from '@app/tenancy';
import { SubCommand } from 'nest-commander';
import { ServerChangeCommand } from './server-change-command';

@SubCommand({ name: 'enable', arguments: '<name>', description: 'place new tenants on it again' })
export class ServerEnableCommand extends ServerChangeCommand {
  protected changes(): DatabaseServerChanges {
    return { state: 'active' };
  }
}

import { DatabaseServerChanges } from '@app/tenancy';
import { SubCommand } from 'nest-commander';
import { ServerChangeCommand } from './server-change-command';

@SubCommand({ name: 'drain', arguments: '<name>', description: 'keep its tenants, place no new ones on it' })
export class ServerDrainCommand extends ServerChangeCommand {
  protected changes(): DatabaseServerChanges {
    return { state: 'draining' };
  }
}

import { DatabaseServerChanges } from '@app/tenancy';
import { Option, SubCommand } from 'nest-commander';
import { wholeNumber } from '../command/option-values';
import type { OutputMode } from '../output/terminal';
import { MAX_CAPACITY } from './server-capacity';
import { ServerChangeCommand } from './server-change-command';

interface UpdateOptions extends OutputMode {
  capacity: number;
}

@SubCommand({
  name: 'update',
  arguments: '<name>',
  description: 'change its capacity (never below the tenants it holds: drain it instead)',
})
export class ServerUpdateCommand extends ServerChangeCommand<UpdateOptions> {
  protected changes({ capacity }: UpdateOptions): DatabaseServerChanges {
    return { capacity };
  }

  @Option({ flags: '--capacity <n>', description: `the most tenant databases it may hold, 1 to ${MAX_CAPACITY}`, required: true })
  parseCapacity(value: string): number {
    return wholeNumber(value, 1, MAX_CAPACITY);
  }
}

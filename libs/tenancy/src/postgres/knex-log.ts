import { Logger } from '@nestjs/common';
import type { Knex } from 'knex';

/** Sends Knex's own messages (migration failures, warnings) to the app's logger instead of console. */
export function knexLog(context: string): Knex.Config['log'] {
  const logger = new Logger(context);
  return {
    warn: (message: string) => logger.warn(message),
    error: (message: string) => logger.error(message),
    deprecate: (message: string) => logger.warn(message),
    debug: (message: string) => logger.debug(message),
  };
}

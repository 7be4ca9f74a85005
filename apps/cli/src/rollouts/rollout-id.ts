import { CommandError } from '../output/command-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A rollout is named by its id, as `migrate` and `rollback` print it. */
export function rolloutId(value: string | undefined): string {
  if (value === undefined || !UUID.test(value))
    throw CommandError.usage(`"${value ?? ''}" is not a rollout id (a uuid, as migrate printed it)`);
  return value.toLowerCase();
}

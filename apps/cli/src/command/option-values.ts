/**
 * Option values are checked as commander parses them. An error with commander's
 * `commander.invalidArgument` code (what its InvalidArgumentError carries) becomes a usage error
 * naming the option, followed by the command's help.
 */
class InvalidOptionValue extends Error {
  readonly code = 'commander.invalidArgument';
  readonly exitCode = 2;
}

export function wholeNumber(value: string, min: number, max: number): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw new InvalidOptionValue(`must be a whole number from ${min} to ${max}`);
  }
  return number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function uuid(value: string): string {
  if (!UUID.test(value)) throw new InvalidOptionValue('must be an id (a uuid)');
  return value.toLowerCase();
}

/** nest-commander's `choices` only shows them in the help: the option's own parser replaces commander's check. */
export function oneOf<T extends string>(value: string, choices: readonly T[]): T {
  const choice = choices.find((candidate) => candidate === value);
  if (choice === undefined) throw new InvalidOptionValue(`must be one of ${choices.join(', ')}`);
  return choice;
}

export function nonEmpty(value: string): string {
  if (value.trim() === '') throw new InvalidOptionValue('must not be empty');
  return value;
}

/** For repeatable options (`--tenant a --tenant b`): commander passes the values so far. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), nonEmpty(value)];
}

import { collect, nonEmpty, oneOf, uuid, wholeNumber } from './option-values';

/** What commander checks for to turn a parser's error into a usage error naming the option. */
const invalid = (message: string) => expect.objectContaining({ code: 'commander.invalidArgument', message });

describe('option values', () => {
  it('wholeNumber takes digits within bounds only', () => {
    expect(wholeNumber('10', 1, 100)).toBe(10);
    for (const bad of ['0', '101', '1.5', '-1', '1e2', '', ' 5']) {
      expect(() => wholeNumber(bad, 1, 100)).toThrow(invalid('must be a whole number from 1 to 100'));
    }
  });

  it('oneOf takes a listed value only', () => {
    expect(oneOf('ready', ['ready', 'failed'] as const)).toBe('ready');
    expect(() => oneOf('Ready', ['ready', 'failed'] as const)).toThrow(invalid('must be one of ready, failed'));
  });

  it('uuid takes an id in any case and gives it in lower case', () => {
    expect(uuid('3F0C0000-0000-4000-8000-000000000000')).toBe('3f0c0000-0000-4000-8000-000000000000');
    expect(() => uuid('acme')).toThrow(invalid('must be an id (a uuid)'));
  });

  it('collect gathers a repeated option, refusing empty values', () => {
    expect(collect('b', collect('a', undefined))).toEqual(['a', 'b']);
    expect(() => nonEmpty('  ')).toThrow(invalid('must not be empty'));
  });
});

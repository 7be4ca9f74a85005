import { createHash } from 'node:crypto';
import { apiKeyMatches, generateApiKey, parseApiKey } from './api-key.format';

describe('tenant API key format', () => {
  it('makes tk_<12 of [a-z0-9]>_<43 base64url characters>, hashed whole with SHA-256', () => {
    const { key, prefix, secretHash } = generateApiKey();
    expect(prefix).toMatch(/^[a-z0-9]{12}$/);
    expect(key).toMatch(new RegExp(`^tk_${prefix}_[A-Za-z0-9_-]{43}$`));
    expect(Buffer.from(key.slice(16), 'base64url')).toHaveLength(32);
    expect(secretHash).toBe(createHash('sha256').update(key).digest('hex'));
  });

  it('never makes the same prefix or key twice in a thousand', () => {
    const keys = Array.from({ length: 1000 }, generateApiKey);
    expect(new Set(keys.map((generated) => generated.prefix)).size).toBe(1000);
    expect(new Set(keys.map((generated) => generated.key)).size).toBe(1000);
  });

  it('parses the prefix of every key it makes', () => {
    for (let index = 0; index < 200; index += 1) {
      const { key, prefix } = generateApiKey();
      expect(parseApiKey(key)).toEqual({ prefix });
    }
  });

  it.each([
    ['nothing', ''],
    ['not a string', 42],
    ['undefined', undefined],
    ['another scheme', generateApiKey().key.replace(/^tk_/, 'tx_')],
    ['an upper-case letter in the prefix', generateApiKey().key.replace(/^tk_./, 'tk_A')],
    ['an 11-character prefix (and a 44-character secret)', generateApiKey().key.replace(/^tk_.(.{11})_/, 'tk_$1_A')],
    ['a missing separator', generateApiKey().key.replace(/^(tk_.{12})_/, '$1-')],
    ['a secret one character short', generateApiKey().key.slice(0, -1)],
    ['a secret one character long', `${generateApiKey().key}A`],
    ['a secret with padding', `${generateApiKey().key.slice(0, -1)}=`],
    ['a secret with base64 (not url) characters', `${generateApiKey().key.slice(0, -2)}+A`],
    ['a non-canonical last character', `${generateApiKey().key.slice(0, -1)}B`],
    ['a megabyte', `tk_${'a'.repeat(12)}_${'A'.repeat(1 << 20)}`],
    ['a trailing newline', `${generateApiKey().key}\n`],
  ])('refuses %s', (_what, key) => {
    expect(parseApiKey(key)).toBeUndefined();
  });

  it('matches a key against its own hash only', () => {
    const one = generateApiKey();
    const other = generateApiKey();
    expect(apiKeyMatches(one.key, one.secretHash)).toBe(true);
    expect(apiKeyMatches(one.key, other.secretHash)).toBe(false);
    expect(apiKeyMatches(other.key, one.secretHash)).toBe(false);
  });

  it.each([
    ['an empty hash', 'key', ''],
    ['a short hash', 'key', 'ab'],
    ['an upper-case hash', generateApiKey().key, 'A'.repeat(64)],
    ['a hash that is not hex', 'key', 'z'.repeat(64)],
    ['a null hash', 'key', null],
    ['a key that is not a string', { toString: (): string => 'tk_' }, 'a'.repeat(64)],
    ['an empty key', '', createHash('sha256').update('x').digest('hex')],
  ])('answers false, without throwing, for %s', (_what, key, hash) => {
    expect(apiKeyMatches(key, hash)).toBe(false);
  });

  it('refuses a hash that differs in its last digit only', () => {
    const { key, secretHash } = generateApiKey();
    const almost = `${secretHash.slice(0, 63)}${secretHash.endsWith('0') ? '1' : '0'}`;
    expect(apiKeyMatches(key, almost)).toBe(false);
  });
});

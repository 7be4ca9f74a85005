import * as fc from 'fast-check';
import { quoteIdentifier } from '../postgres/quote-identifier';
import { isTenantError } from '../errors/tenant-error';
import { MAX_SLUG_LENGTH, slugForTenantName, tenantDatabaseName } from './tenant-naming';

const SAFE_DATABASE_NAME = /^[a-z0-9_]{1,63}$/;
const hostileCharacters = fc.constantFrom('"', "'", ';', '\\', '\u0000', '--', '/*', '$$', ' ', '🚀', 'é', 'ß', '東', 'Ω');
const anyName = fc.oneof(
  fc.string({ maxLength: 120 }),
  fc.string({ unit: 'grapheme', maxLength: 120 }),
  fc.array(fc.oneof(hostileCharacters, fc.string({ maxLength: 4 })), { maxLength: 40 }).map((parts) => parts.join('')),
);

describe('tenant naming, for any input', () => {
  it('either rejects the name or yields a slug that fits its column and a safe database name of at most 63 bytes', () => {
    fc.assert(
      fc.property(anyName, fc.constantFrom('tenant_', 't_', 'acme_tenants_'), (name, prefix) => {
        let slug: string;
        try {
          slug = slugForTenantName(name);
        } catch (error) {
          expect(isTenantError(error, 'name_rejected')).toBe(true);
          return;
        }
        expect(slug.length).toBeLessThanOrEqual(MAX_SLUG_LENGTH);
        const dbName = tenantDatabaseName(prefix, slug);
        expect(dbName).toMatch(SAFE_DATABASE_NAME);
        expect(dbName.startsWith(prefix)).toBe(true);
        expect(quoteIdentifier(dbName)).toBe(`"${dbName}"`);
      }),
      { numRuns: 2000 },
    );
  });

  it('maps names that differ only in case or punctuation to the same slug', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9]{1,10}$/);
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 5 }), fc.constantFrom(' ', '-', '.', '!! ', '_'), (words, glue) => {
        const spaced = words.join(' ');
        expect(slugForTenantName(words.join(glue).toUpperCase())).toBe(slugForTenantName(spaced.toLowerCase()));
      }),
    );
  });

  it('gives different long slugs different database names', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9]{60,100}$/), fc.stringMatching(/^[a-z0-9]{60,100}$/), (a, b) => {
        fc.pre(a !== b);
        expect(tenantDatabaseName('tenant_', a)).not.toBe(tenantDatabaseName('tenant_', b));
      }),
    );
  });
});

import {
  assertNotReserved,
  MAX_DATABASE_NAME_BYTES,
  opaqueDatabaseName,
  slugForTenantName,
  slugify,
  tenantDatabaseName,
} from './tenant-naming';

describe('slugify', () => {
  it.each([
    ['AcmeCorp', 'acmecorp'],
    ['Acme Corp', 'acme_corp'],
    ['  Acme -- Corp!! ', 'acme_corp'],
    ['ACME.corp', 'acme_corp'],
    ['Café Münster', 'cafe_munster'],
    ['ｆｕｌｌｗｉｄｔｈ', 'fullwidth'],
    ['Robert"); DROP DATABASE master;--', 'robert_drop_database_master'],
    ["O'Brien\\Sons", 'o_brien_sons'],
    ['rocket 🚀 labs', 'rocket_labs'],
    ['東京 Tokyo', 'tokyo'],
    ['___x___', 'x'],
  ])('%j -> %j', (name, slug) => {
    expect(slugify(name)).toBe(slug);
  });
});

describe('slugForTenantName', () => {
  it.each([
    ['', /empty/],
    ['   \t ', /empty/],
    ['a'.repeat(101), /at most 100/],
    ['bad\u0000name', /NUL/],
    ['!!!', /letter or digit/],
    ['東京', /letter or digit/],
    ['🚀🚀', /letter or digit/],
    ['ﬃ'.repeat(100), /300-character slug; at most 100/],
  ])('rejects %j', (name, reason) => {
    expect(() => slugForTenantName(name)).toThrow(expect.objectContaining({ code: 'name_rejected' }));
    expect(() => slugForTenantName(name)).toThrow(reason);
  });

  it('accepts a 100-character name', () => {
    expect(slugForTenantName('a'.repeat(100))).toBe('a'.repeat(100));
  });
});

describe('tenantDatabaseName', () => {
  it('is the prefix followed by the slug', () => {
    expect(tenantDatabaseName('tenant_', 'acmecorp')).toBe('tenant_acmecorp');
  });

  it('keeps a name of exactly 63 bytes whole', () => {
    const slug = 'a'.repeat(MAX_DATABASE_NAME_BYTES - 'tenant_'.length);
    expect(tenantDatabaseName('tenant_', slug)).toBe(`tenant_${slug}`);
  });

  it('cuts a long name to 63 bytes and ends it with a hash', () => {
    const name = tenantDatabaseName('tenant_', 'b'.repeat(100));
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(MAX_DATABASE_NAME_BYTES);
    expect(name).toMatch(/^tenant_b+_[0-9a-f]{8}$/);
  });

  it('gives two long names with a shared beginning different database names', () => {
    const base = 'c'.repeat(90);
    expect(tenantDatabaseName('tenant_', `${base}_one`)).not.toBe(tenantDatabaseName('tenant_', `${base}_two`));
  });

  it('always yields a safe identifier', () => {
    for (const name of ['AcmeCorp', 'x'.repeat(100), 'a_b_c', '9lives']) {
      expect(tenantDatabaseName('tenant_', slugForTenantName(name))).toMatch(/^[a-z0-9_]{1,63}$/);
    }
  });
});

describe('opaqueDatabaseName', () => {
  it('carries the prefix and nothing of the customer, differently each time', () => {
    const name = opaqueDatabaseName('tenant_');
    expect(name).toMatch(/^tenant_[0-9a-f]{24}$/);
    expect(opaqueDatabaseName('tenant_')).not.toBe(name);
  });
});

describe('assertNotReserved', () => {
  it('refuses a reserved name and lets others through', () => {
    expect(() => assertNotReserved('template1', ['postgres', 'template1'])).toThrow(/reserved/);
    expect(() => assertNotReserved('tenant_acme', ['postgres', 'template1'])).not.toThrow();
  });
});

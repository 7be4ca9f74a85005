import { databaseOf, redactUrl, withDatabase } from './connection-url';
import { quoteIdentifier } from './quote-identifier';

describe('connection URLs', () => {
  it('reads and replaces the database', () => {
    expect(databaseOf('postgres://u@h:5432/master')).toBe('master');
    expect(withDatabase('postgres://u:p@h:5432/master?sslmode=require', 'tenant_x')).toBe(
      'postgres://u:p@h:5432/tenant_x?sslmode=require',
    );
  });

  it('never prints a password', () => {
    expect(redactUrl('postgres://user:s3cret@h:5432/master')).toBe('postgres://user:***@h:5432/master');
    expect(redactUrl('nonsense')).toBe('[unparseable url]');
  });
});

describe('quoteIdentifier', () => {
  it('double-quotes and doubles inner quotes', () => {
    expect(quoteIdentifier('tenant_acme')).toBe('"tenant_acme"');
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
  });

  it('refuses empty and NUL-bearing identifiers', () => {
    expect(() => quoteIdentifier('')).toThrow();
    expect(() => quoteIdentifier('a\u0000b')).toThrow();
  });
});

import { databaseOf, redactUrl, withDatabase } from './connection-url';
import { KnexTimeoutError } from 'knex';
import { isConnectionError } from './is-connection-error';
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

describe('isConnectionError', () => {
  it.each([
    [Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    [new Error('BEGIN; - read ECONNRESET')],
    [new Error('ROLLBACK - Connection terminated unexpectedly')],
    [new Error('Client has encountered a connection error and is not queryable')],
    [Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
    [Object.assign(new Error('the database system is starting up'), { code: '57P03' })],
    [new KnexTimeoutError('Knex: Timeout acquiring a connection.')],
  ])('treats %s as the server being away', (error) => {
    expect(isConnectionError(error)).toBe(true);
  });

  it.each([
    [Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' })],
    [new Error('injected migration failure')],
    ['a string'],
  ])('treats %s as a real failure', (error) => {
    expect(isConnectionError(error)).toBe(false);
  });
});

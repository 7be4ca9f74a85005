import { serverUrlProblem } from './server-url';

describe('serverUrlProblem', () => {
  it('takes a postgres:// or postgresql:// URL with a host', () => {
    expect(serverUrlProblem('postgres://svc:pw@db-2.internal:5432/postgres?sslmode=verify-full')).toBeUndefined();
    expect(serverUrlProblem('postgresql://svc@10.0.0.2')).toBeUndefined();
  });

  it('says what is wrong without quoting the URL', () => {
    const problems = ['mysql://svc:s3cret@db', 'not a url s3cret', 'postgres://svc:s3cret@db/x?password=s3cret'].map(
      serverUrlProblem,
    );
    expect(problems).toEqual([
      'must be a postgres:// or postgresql:// URL',
      'must be a postgres:// or postgresql:// URL',
      'must carry its password before the @, not as a query parameter',
    ]);
    expect(problems.join(' ')).not.toContain('s3cret');
  });
});

import { randomBytes } from 'node:crypto';
import { scramSha256Verifier } from '../libs/tenancy/src/secrets/scram-verifier';
import { TestStack } from './support/test-stack';

/** The verifier computed in Node is the one PostgreSQL itself stores for the same password and salt. */
describe('SCRAM-SHA-256 verifiers', () => {
  const stack = new TestStack();
  const role = `${stack.id}_scram`;
  afterAll(() => stack.teardown());

  it('matches what PostgreSQL derives from the plaintext', async () => {
    const password = randomBytes(24).toString('base64url');
    await stack.query(`SET password_encryption = 'scram-sha-256'; CREATE ROLE "${role}" PASSWORD '${password}'`, [], 'postgres');
    const [row] = await stack.query<{ rolpassword: string }>(
      'SELECT rolpassword FROM pg_authid WHERE rolname = $1',
      [role],
      'postgres',
    );
    const { rolpassword } = row!;
    const salt = Buffer.from(/^SCRAM-SHA-256\$4096:([^$]+)\$/.exec(rolpassword)![1]!, 'base64');

    expect(await scramSha256Verifier(password, salt)).toBe(rolpassword);
    expect(await scramSha256Verifier(`${password}x`, salt)).not.toBe(rolpassword);
  });

  it('is stored as it is when sent instead of a password', async () => {
    const verifier = await scramSha256Verifier(randomBytes(24).toString('base64url'));
    await stack.query(`ALTER ROLE "${role}" PASSWORD '${verifier}'`, [], 'postgres');
    const [row] = await stack.query<{ rolpassword: string }>(
      'SELECT rolpassword FROM pg_authid WHERE rolname = $1',
      [role],
      'postgres',
    );
    expect(row!.rolpassword).toBe(verifier);
  });
});

import { createHash, createHmac, pbkdf2, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const derive = promisify(pbkdf2);
/** PostgreSQL's own choices (scram_iterations, SCRAM_DEFAULT_SALT_LEN). */
const ITERATIONS = 4096;
const SALT_BYTES = 16;

/**
 * The SCRAM-SHA-256 verifier PostgreSQL would store for `password` (RFC 5802, RFC 7677), in the
 * text form of pg_authid.rolpassword. PostgreSQL stores such a string as it is, so the plaintext
 * never travels in a statement: not even `log_statement = all` shows anything a client can log
 * in with. Passwords here are generated ASCII, which SASLprep leaves unchanged.
 */
export async function scramSha256Verifier(password: string, salt: Buffer = randomBytes(SALT_BYTES)): Promise<string> {
  if (!/^[\x21-\x7e]+$/.test(password)) throw new Error('SCRAM verifiers are computed for printable ASCII passwords only');
  const salted = await derive(password, salt, ITERATIONS, 32, 'sha256');
  const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
  const storedKey = createHash('sha256').update(hmac(salted, 'Client Key')).digest();
  const serverKey = hmac(salted, 'Server Key');
  return `SCRAM-SHA-256$${ITERATIONS}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** A new key and what master keeps of it. */
export interface GeneratedApiKey {
  /** The key itself, shown to its owner once and never stored. */
  key: string;
  prefix: string;
  /** SHA-256 of `key`, lower-case hex: what master keeps. */
  secretHash: string;
}

const SCHEME = 'tk';
const PREFIX_LENGTH = 12;
const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const SECRET_BYTES = 32;
/** base64url of 32 bytes: 43 characters, the last carrying 4 bits (so only 16 letters may end it). */
const KEY_SHAPE = /^tk_([a-z0-9]{12})_[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
const KEY_LENGTH = SCHEME.length + 1 + PREFIX_LENGTH + 1 + Math.ceil((SECRET_BYTES * 8) / 6);
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * A tenant API key: `tk_<prefix>_<secret>`. The prefix (12 of [a-z0-9]) is public and finds the
 * key's row in master; the secret is 32 random bytes, base64url. Master keeps only the SHA-256 of
 * the whole key: 256 random bits cannot be guessed back from a fast hash, and a slow one would
 * be paid by every authenticated request.
 */
export function generateApiKey(): GeneratedApiKey {
  // randomInt draws without modulo bias; the prefix only has to be unique, the secret carries the strength.
  const prefix = Array.from({ length: PREFIX_LENGTH }, () => PREFIX_ALPHABET[randomInt(PREFIX_ALPHABET.length)]).join('');
  const key = `${SCHEME}_${prefix}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
  return { key, prefix, secretHash: sha256Hex(key) };
}

/** The prefix of a well-formed key; undefined for anything else (checked before any lookup). */
export function parseApiKey(key: unknown): { prefix: string } | undefined {
  if (typeof key !== 'string' || key.length !== KEY_LENGTH) return undefined;
  const prefix = KEY_SHAPE.exec(key)?.[1];
  return prefix === undefined ? undefined : { prefix };
}

/** Whether `key` hashes to `secretHash`, compared in constant time; false (never a throw) for bad input. */
export function apiKeyMatches(key: unknown, secretHash: unknown): boolean {
  if (typeof key !== 'string' || typeof secretHash !== 'string' || !SHA256_HEX.test(secretHash)) return false;
  // Both digests are 32 bytes, so timingSafeEqual cannot throw and nothing depends on the key's length.
  return timingSafeEqual(createHash('sha256').update(key).digest(), Buffer.from(secretHash, 'hex'));
}

function sha256Hex(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

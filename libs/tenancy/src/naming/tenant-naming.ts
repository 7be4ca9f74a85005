import { createHash, randomBytes } from 'node:crypto';
import { TenantError } from '../errors/tenant-error';

export const MAX_TENANT_NAME_LENGTH = 100;
/** The registry's slug column; a name may grow when folded ("ﬃ" becomes "ffi"). */
export const MAX_SLUG_LENGTH = 100;
/** PostgreSQL truncates identifiers beyond NAMEDATALEN - 1 bytes. */
export const MAX_DATABASE_NAME_BYTES = 63;
const HASH_SUFFIX_LENGTH = 8;

/**
 * Lower case, accents folded to their base letter, every run of characters outside [a-z0-9]
 * turned into one `_`, trimmed of `_`.
 */
export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Checks a tenant's display name and returns its slug. */
export function slugForTenantName(name: string): string {
  if (name.trim() === '') throw TenantError.nameRejected('name must not be empty or only whitespace');
  if (name.length > MAX_TENANT_NAME_LENGTH) {
    throw TenantError.nameRejected(`name must be at most ${MAX_TENANT_NAME_LENGTH} characters`);
  }
  if (name.includes('\u0000')) throw TenantError.nameRejected('name must not contain NUL characters');
  const slug = slugify(name);
  if (slug === '') {
    throw TenantError.nameRejected(
      'name must contain at least one letter or digit that maps to a-z or 0-9 (the database name is built from them)',
    );
  }
  if (slug.length > MAX_SLUG_LENGTH) {
    throw TenantError.nameRejected(
      `name folds to a ${slug.length}-character slug; at most ${MAX_SLUG_LENGTH} are allowed (characters such as "ﬃ" fold to several letters)`,
    );
  }
  return slug;
}

/**
 * `prefix + slug`, cut to PostgreSQL's 63-byte identifier limit; a cut name ends in a hash of
 * the whole slug so that two long names sharing a beginning never collide.
 */
export function tenantDatabaseName(prefix: string, slug: string): string {
  const full = `${prefix}${slug}`;
  if (full.length <= MAX_DATABASE_NAME_BYTES) return full;
  const hash = createHash('sha256').update(slug).digest('hex').slice(0, HASH_SUFFIX_LENGTH);
  const kept = full.slice(0, MAX_DATABASE_NAME_BYTES - HASH_SUFFIX_LENGTH - 1).replace(/_+$/, '');
  return `${kept}_${hash}`;
}

/**
 * `prefix` and random hex: a name that tells nobody who the customer is, for servers where
 * other roles can list databases and roles (every role can).
 */
export function opaqueDatabaseName(prefix: string): string {
  return `${prefix}${randomBytes(12).toString('hex')}`;
}

/** Refuses a tenant database (and role) name that is already spoken for (the master database, say). */
export function assertNotReserved(dbName: string, reserved: readonly string[]): void {
  if (reserved.includes(dbName)) {
    throw TenantError.nameRejected(`name maps to the database and role "${dbName}", which is reserved; choose another name`);
  }
}

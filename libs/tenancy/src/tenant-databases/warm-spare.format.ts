import { randomBytes } from 'node:crypto';
import type { TenantSecretCipher } from '../secrets/tenant-secret.cipher';

/** Part of every spare's name: a spare built another way is stale and never handed out. */
const SPARE_FORMAT = 'p2';
const SPARE_MARK = 'tenancy warm spare';

declare const sealedForSpare: unique symbol;

/** A spare role's password sealed bound to the spare's name: kept under any other name, it does not open. */
export type SealedSparePassword = string & { readonly [sealedForSpare]: true };

/** A spare about to be built: put together under `building`, then renamed to `name`. */
export interface NewSpare {
  name: string;
  building: string;
}

/**
 * How the warm pool writes its spares down, in one place: their names (a spare's database and
 * its role share one), the format and template fingerprint those names carry, the mark they wear
 * until claimed, and the name a spare's password is sealed for.
 */
export class WarmSpareFormat {
  /** The comment on a spare's database and role until a tenant claims them. */
  readonly mark = SPARE_MARK;

  /** `internalPrefix` begins every name of the service's own (InternalDatabaseNames.anyInternalPrefix). */
  constructor(private readonly internalPrefix: string) {}

  /** Every spare and spare role starts with this, whatever template or format it was built from. */
  get anyPrefix(): string {
    return `${this.internalPrefix}pool_`;
  }

  /** The spares built this way from the template with this fingerprint share this beginning; no others do. */
  currentPrefix(templateFingerprint: string): string {
    return `${this.anyPrefix}${(SPARE_FORMAT + templateFingerprint).slice(0, 12)}_`;
  }

  /** A spare is put together under a name starting with this and renamed into the pool when complete. */
  get buildPrefix(): string {
    return `${this.internalPrefix}poolbuild_`;
  }

  /** Names for one more spare of the template with this fingerprint. */
  newSpare(templateFingerprint: string): NewSpare {
    const suffix = randomBytes(4).toString('hex');
    return { name: `${this.currentPrefix(templateFingerprint)}${suffix}`, building: `${this.buildPrefix}${suffix}` };
  }
}

/** Seals a new spare role's password for the spare's name, so that it opens only as that spare's. */
export function sealSparePassword(cipher: TenantSecretCipher, spare: string, password: string): SealedSparePassword {
  return cipher.encrypt(password, spare) as SealedSparePassword;
}

/** A claimed spare's password, opened as the spare's and sealed again for the tenant that took it. */
export function resealSparePasswordForTenant(
  cipher: TenantSecretCipher,
  spare: string,
  sealed: SealedSparePassword,
  tenantId: string,
): string {
  return cipher.encrypt(cipher.decrypt(sealed, spare), tenantId);
}

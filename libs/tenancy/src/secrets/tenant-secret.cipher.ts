import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';

/** v2 binds each value to its owner (associated data); v1 values bound nothing. */
const VERSION = 'v2';
const LEGACY_VERSION = 'v1';
const IV_BYTES = 12;

/**
 * AES-256-GCM with TENANT_SECRET_KEY, for the role passwords kept in master. Each value is sealed
 * for one owner (a tenant's id, a warm spare's name) as associated data: moved to another owner's
 * row, it no longer opens.
 */
@Injectable()
export class TenantSecretCipher {
  constructor(@Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'tenants'>) {}

  /** A fresh password for a tenant role: 192 random bits, URL-safe. */
  generatePassword(): string {
    return randomBytes(24).toString('base64url');
  }

  encrypt(plain: string, owner: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.config.tenants.secretKey, iv);
    cipher.setAAD(Buffer.from(owner, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'));
    return [VERSION, ...parts].join('.');
  }

  decrypt(sealed: string, owner: string): string {
    return this.open(sealed, VERSION, owner);
  }

  isLegacy(sealed: string): boolean {
    return sealed.startsWith(`${LEGACY_VERSION}.`);
  }

  /** Seals a value of the old format again, bound to its owner. */
  resealLegacy(sealed: string, owner: string): string {
    return this.encrypt(this.open(sealed, LEGACY_VERSION), owner);
  }

  private open(sealed: string, expectedVersion: string, owner?: string): string {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== expectedVersion || !iv || !tag || ciphertext === undefined) {
      throw new Error(`not a ${expectedVersion} sealed secret`);
    }
    const decipher = createDecipheriv('aes-256-gcm', this.config.tenants.secretKey, Buffer.from(iv, 'base64url'));
    if (owner !== undefined) decipher.setAAD(Buffer.from(owner, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }
}

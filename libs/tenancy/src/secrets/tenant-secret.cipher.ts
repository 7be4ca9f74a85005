import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';

const VERSION = 'v1';
const IV_BYTES = 12;

/** AES-256-GCM with TENANT_SECRET_KEY, for the tenant role passwords kept in master. */
@Injectable()
export class TenantSecretCipher {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** A fresh password for a tenant role: 192 random bits, URL-safe. */
  generatePassword(): string {
    return randomBytes(24).toString('base64url');
  }

  encrypt(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.config.tenantSecretKey, iv);
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'));
    return [VERSION, ...parts].join('.');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, ciphertext] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || ciphertext === undefined) {
      throw new Error('not a sealed tenant secret');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.config.tenantSecretKey, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  }
}

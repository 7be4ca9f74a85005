import { randomBytes, createCipheriv } from 'node:crypto';
import { loadConfig } from '../config/app-config';
import { TenantSecretCipher } from './tenant-secret.cipher';

describe('TenantSecretCipher', () => {
  const config = loadConfig({ TENANT_SECRET_KEY: 'ab'.repeat(32) });
  const cipher = new TenantSecretCipher(config);

  it('round-trips a password and never stores it in the clear', () => {
    const password = cipher.generatePassword();
    const sealed = cipher.encrypt(password, 'tenant-a');
    expect(sealed).not.toContain(password);
    expect(cipher.decrypt(sealed, 'tenant-a')).toBe(password);
  });

  it('uses a fresh IV each time', () => {
    expect(cipher.encrypt('same', 'a')).not.toBe(cipher.encrypt('same', 'a'));
  });

  it('refuses a tampered ciphertext or another key', () => {
    const sealed = cipher.encrypt('secret', 'a');
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => cipher.decrypt(tampered, 'a')).toThrow();
    const other = new TenantSecretCipher(loadConfig({ TENANT_SECRET_KEY: 'cd'.repeat(32) }));
    expect(() => other.decrypt(sealed, 'a')).toThrow();
  });

  it('does not open a value moved to another owner', () => {
    expect(() => cipher.decrypt(cipher.encrypt('secret', 'tenant-a'), 'tenant-b')).toThrow();
  });

  it('reseals a value of the old format, bound to its owner, and no longer opens the old format', () => {
    const iv = randomBytes(12);
    const legacy = createCipheriv('aes-256-gcm', config.tenants.secretKey, iv);
    const body = Buffer.concat([legacy.update('old secret', 'utf8'), legacy.final()]);
    const v1 = ['v1', iv, legacy.getAuthTag(), body]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');

    expect(cipher.isLegacy(v1)).toBe(true);
    expect(() => cipher.decrypt(v1, 'tenant-a')).toThrow(/not a v2/);
    const resealed = cipher.resealLegacy(v1, 'tenant-a');
    expect(cipher.isLegacy(resealed)).toBe(false);
    expect(cipher.decrypt(resealed, 'tenant-a')).toBe('old secret');
  });
});

import { loadConfig } from '../config/app-config';
import { TenantSecretCipher } from './tenant-secret.cipher';

describe('TenantSecretCipher', () => {
  const cipher = new TenantSecretCipher(loadConfig({ TENANT_SECRET_KEY: 'ab'.repeat(32) }));

  it('round-trips a password and never stores it in the clear', () => {
    const password = cipher.generatePassword();
    const sealed = cipher.encrypt(password);
    expect(sealed).not.toContain(password);
    expect(cipher.decrypt(sealed)).toBe(password);
  });

  it('uses a fresh IV each time', () => {
    expect(cipher.encrypt('same')).not.toBe(cipher.encrypt('same'));
  });

  it('refuses a tampered ciphertext or another key', () => {
    const sealed = cipher.encrypt('secret');
    const tampered = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'BB' : 'AA');
    expect(() => cipher.decrypt(tampered)).toThrow();
    const other = new TenantSecretCipher(loadConfig({ TENANT_SECRET_KEY: 'cd'.repeat(32) }));
    expect(() => other.decrypt(sealed)).toThrow();
  });
});

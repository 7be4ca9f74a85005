import { loadConfig } from '../config/app-config';
import { TenantSecretCipher } from '../secrets/tenant-secret.cipher';
import { InternalDatabaseNames } from './internal-database-names';
import { resealSparePasswordForTenant, sealSparePassword } from './warm-spare.format';

const FINGERPRINT = 'abcdef0123456789abcdef';

describe('WarmSpareFormat', () => {
  const names = new InternalDatabaseNames('tenant_');
  const spares = names.warmSpares;

  it('names spares as spares were named before: format and template fingerprint in the name', () => {
    expect(spares.anyPrefix).toBe('tenant__pool_');
    expect(names.anyPoolPrefix).toBe(spares.anyPrefix);
    expect(spares.currentPrefix(FINGERPRINT)).toBe('tenant__pool_p2abcdef0123_');
    expect(spares.buildPrefix).toBe('tenant__poolbuild_');
    expect(spares.mark).toBe('tenancy warm spare');
  });

  it('keeps every spare name internal, and a spare under construction out of the pool', () => {
    const spare = spares.newSpare(FINGERPRINT);
    expect(spare.name).toMatch(/^tenant__pool_p2abcdef0123_[0-9a-f]{8}$/);
    expect(spare.building).toBe(`tenant__poolbuild_${spare.name.slice(-8)}`);
    for (const name of [spare.name, spare.building]) expect(name.startsWith(names.anyInternalPrefix)).toBe(true);
    expect(spare.building.startsWith(spares.anyPrefix)).toBe(false);
  });

  it('seals a spare password for its spare, and a claim seals it again for the tenant only', () => {
    const cipher = new TenantSecretCipher(loadConfig({ TENANT_SECRET_KEY: 'ab'.repeat(32) }));
    const sealed = sealSparePassword(cipher, 'tenant__pool_p2abcdef0123_00000001', 'password');
    expect(() => resealSparePasswordForTenant(cipher, 'tenant__pool_p2abcdef0123_00000002', sealed, 'tenant-1')).toThrow();
    const forTenant = resealSparePasswordForTenant(cipher, 'tenant__pool_p2abcdef0123_00000001', sealed, 'tenant-1');
    expect(cipher.decrypt(forTenant, 'tenant-1')).toBe('password');
    expect(() => cipher.decrypt(forTenant, 'tenant__pool_p2abcdef0123_00000001')).toThrow();
  });
});

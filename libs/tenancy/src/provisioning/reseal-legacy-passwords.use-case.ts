import { Injectable, Logger } from '@nestjs/common';
import { AdvisoryLock } from '../master/advisory-lock';
import { LOCK_KEYS } from '../master/lock-keys';
import { TenantRepository } from '../registry/tenant.repository';
import { TenantSecretCipher } from '../secrets/tenant-secret.cipher';

const LEGACY_FORMAT = 'v1';

/**
 * Seals again, bound to their tenant, the role passwords sealed before seals carried their owner.
 * Runs when a worker starts; the first worker does it, the others find nothing left.
 */
@Injectable()
export class ResealLegacyPasswords {
  private readonly logger = new Logger(ResealLegacyPasswords.name);

  constructor(
    private readonly tenants: TenantRepository,
    private readonly cipher: TenantSecretCipher,
    private readonly lock: AdvisoryLock,
  ) {}

  async execute(): Promise<number> {
    const run = await this.lock.tryRunExclusive(LOCK_KEYS.resealLegacyPasswords, async () => {
      const legacy = await this.tenants.findSealedAs(LEGACY_FORMAT);
      for (const tenant of legacy) {
        await this.tenants.replacePassword(tenant.id, this.cipher.resealLegacy(tenant.dbPasswordEncrypted!, tenant.id));
      }
      if (legacy.length) this.logger.log({ count: legacy.length }, 'tenant role passwords sealed again, bound to their tenant');
      return legacy.length;
    });
    return run.acquired ? run.value : 0;
  }
}

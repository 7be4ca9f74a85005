import { Injectable } from '@nestjs/common';
import { AdvisoryLock } from '../master/advisory-lock';
import { TenantRepository } from '../registry/tenant.repository';
import { scramSha256Verifier } from '../secrets/scram-verifier';
import { TenantSecretCipher } from '../secrets/tenant-secret.cipher';
import { TenantDatabaseAdmin } from '../tenant-databases/tenant-database.admin';
import { TenantBusyError } from './tenant-busy.error';
import { tenantLockKey } from './tenant-lock-key';

export class TenantNotReadyError extends Error {
  constructor(readonly status: string) {
    super(`tenant is ${status}; credentials exist once it is ready`);
    this.name = 'TenantNotReadyError';
  }
}

export interface TenantCredentials {
  dbName: string;
  role: string;
  password: string;
}

/** Gives a ready tenant's role a new password and keeps only its ciphertext in master. */
@Injectable()
export class RotateTenantCredentials {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly admin: TenantDatabaseAdmin,
    private readonly cipher: TenantSecretCipher,
    private readonly lock: AdvisoryLock,
  ) {}

  async execute(tenantId: string): Promise<TenantCredentials> {
    const tenant = await this.tenants.getById(tenantId);
    if (tenant.status !== 'ready') throw new TenantNotReadyError(tenant.status);
    const password = this.cipher.generatePassword();
    const verifier = await scramSha256Verifier(password);
    const run = await this.lock.tryRunExclusive(tenantLockKey(tenantId), async () => {
      await this.admin.setPassword(tenant.dbRole, verifier);
      try {
        await this.tenants.replacePassword(tenantId, this.cipher.encrypt(password, tenantId));
      } catch (error) {
        // Keep role and record in step: put the old password back before giving up.
        if (tenant.dbPasswordEncrypted) {
          const previous = this.cipher.decrypt(tenant.dbPasswordEncrypted, tenantId);
          await this.admin.setPassword(tenant.dbRole, await scramSha256Verifier(previous));
        }
        throw error;
      }
    });
    if (!run.acquired) throw new TenantBusyError(tenantId);
    return { dbName: tenant.dbName, role: tenant.dbRole, password };
  }
}

import { Injectable } from '@nestjs/common';
import { escapeLiteral } from 'pg';
import { TenantError } from '../errors/tenant-error';
import { TenantEventsPublisher } from '../events/tenant-events.publisher';
import { AdvisoryLock } from '../master/advisory-lock';
import { tenantLockKey } from '../master/lock-keys';
import { TenantRepository } from '../registry/tenant.repository';
import { scramSha256Verifier } from '../secrets/scram-verifier';
import { TenantSecretCipher } from '../secrets/tenant-secret.cipher';
import type { Client } from 'pg';
import { TenantLoginTarget, TenantRoleLogin } from './tenant-role-login';

export interface TenantCredentials {
  dbName: string;
  role: string;
  password: string;
}

const INVALID_PASSWORD = '28P01';
const TOO_MANY_CONNECTIONS = '53300';

/**
 * Gives a ready tenant's role a new password and keeps only its ciphertext in master. The role
 * changes its own password (any role may), logged in with the one kept for it: no process needs
 * CREATEROLE for this, and only a SCRAM verifier reaches the server.
 */
@Injectable()
export class RotateTenantCredentials {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly login: TenantRoleLogin,
    private readonly cipher: TenantSecretCipher,
    private readonly lock: AdvisoryLock,
    private readonly events: TenantEventsPublisher,
  ) {}

  async execute(tenantId: string): Promise<TenantCredentials> {
    const tenant = await this.tenants.getById(tenantId);
    if (tenant.status !== 'ready') throw TenantError.notReady(tenantId, tenant.status);
    const password = this.cipher.generatePassword();
    const verifier = await scramSha256Verifier(password);
    const run = await this.lock.tryRunExclusive(tenantLockKey(tenantId), () =>
      this.asTenant(tenant, async (client) => {
        await client.query(`ALTER ROLE CURRENT_USER PASSWORD ${escapeLiteral(verifier)}`);
        try {
          await this.tenants.replacePassword(tenantId, this.cipher.encrypt(password, tenantId));
        } catch (error) {
          // Keep role and record in step: put the old password back before giving up.
          const previous = this.cipher.decrypt(tenant.dbPasswordEncrypted!, tenantId);
          await client.query(`ALTER ROLE CURRENT_USER PASSWORD ${escapeLiteral(await scramSha256Verifier(previous))}`);
          throw error;
        }
      }),
    );
    if (!run.acquired) throw TenantError.busy(tenantId);
    // Tenant apps' pools still log in with the old password: they reopen now, not on their next failure.
    await this.events.publishAccessChange(tenantId, 'credentials_rotated');
    return { dbName: tenant.dbName, role: tenant.dbRole, password };
  }

  private async asTenant<T>(tenant: TenantLoginTarget, work: (client: Client) => Promise<T>): Promise<T> {
    try {
      return await this.login.run(tenant, work);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === INVALID_PASSWORD) {
        throw TenantError.credentialsRejected(
          tenant.id,
          "the tenant's role no longer accepts the password kept for it (was it changed from inside the database?); nothing was changed",
        );
      }
      if (code === TOO_MANY_CONNECTIONS) {
        throw TenantError.credentialsRejected(
          tenant.id,
          "the tenant's role is at its connection limit; try again when it has a connection free",
        );
      }
      throw error;
    }
  }
}

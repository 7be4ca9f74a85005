import { Injectable } from '@nestjs/common';
import { TenantRepository } from '../registry/tenant.repository';
import type { Tenant } from '../registry/tenant';
import { scramSha256Verifier } from '../secrets/scram-verifier';
import { TenantSecretCipher } from '../secrets/tenant-secret.cipher';
import { TenantServerToolkits } from '../tenant-databases/tenant-server.toolkits';

/** The worker's half of suspend, resume and delete: who may log in as the tenant's role. Each step is safe to repeat. */
@Injectable()
export class TenantAccessOperations {
  constructor(
    private readonly servers: TenantServerToolkits,
    private readonly tenants: TenantRepository,
    private readonly cipher: TenantSecretCipher,
  ) {}

  /** The role may no longer log in and its sessions are ended; its password stays, for resume. */
  async suspend(tenant: Tenant): Promise<void> {
    const access = await this.accessOn(tenant);
    const { role } = await access.find(tenant);
    if (role) await access.shutOut(tenant.dbRole);
  }

  async resume(tenant: Tenant): Promise<void> {
    const access = await this.accessOn(tenant);
    const { role } = await access.find(tenant);
    if (!role) throw new Error(`role "${tenant.dbRole}" is missing from the server; the tenant cannot be resumed`);
    await access.letIn(tenant.dbRole, role);
  }

  /**
   * Shut out as for suspend, and the role's password replaced by one only the service knows (a
   * purge logs in with it to take the backup), so no holder of the old one ever gets back in.
   * The new password is stored before it is set: a retry after a crash in between sets its own.
   */
  async delete(tenant: Tenant): Promise<void> {
    const access = await this.accessOn(tenant);
    const { role } = await access.find(tenant);
    if (!role) return;
    await access.shutOut(tenant.dbRole);
    const password = this.cipher.generatePassword();
    await this.tenants.replacePassword(tenant.id, this.cipher.encrypt(password, tenant.id));
    await access.setPassword(tenant.dbRole, await scramSha256Verifier(password));
  }

  private async accessOn(tenant: Tenant) {
    return (await this.servers.forTenant(tenant)).access;
  }
}

import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { BackupFiles } from '../archives/backup-files';
import type { Tenant } from '../registry/tenant';
import { TenantLifecycleRepository } from '../registry/tenant-lifecycle.repository';
import { TenantRepository } from '../registry/tenant.repository';
import { scramSha256Verifier } from '../secrets/scram-verifier';
import { TenantSecretCipher } from '../secrets/tenant-secret.cipher';
import { DatabaseServerDirectory } from '../servers/database-server.directory';
import { TenantAccessAdmin } from '../tenant-databases/tenant-access.admin';
import { TenantServerToolkits } from '../tenant-databases/tenant-server.toolkits';
import type { RoleFacts } from '../tenant-databases/tenant-server.catalog';
import { archiveLogin } from './archive-login';

/**
 * The worker's half of a purge: the tenant shut out (again: a purge may come straight from
 * `DELETE ?purge=true`), its database dumped into BACKUP_DIR as its own role unless the request
 * said not to, then database and role dropped. Each step is safe to repeat: a backup already
 * written for this deletion is kept, and what is gone stays gone.
 */
@Injectable()
export class TenantPurgeOperation {
  constructor(
    private readonly servers: TenantServerToolkits,
    private readonly addresses: DatabaseServerDirectory,
    private readonly lifecycle: TenantLifecycleRepository,
    private readonly tenants: TenantRepository,
    private readonly cipher: TenantSecretCipher,
    private readonly files: BackupFiles,
    private readonly logger: PinoLogger,
  ) {}

  async run(tenant: Tenant): Promise<void> {
    const { access, admin } = await this.servers.forTenant(tenant);
    const found = await access.find(tenant);
    if (found.role) await access.shutOut(tenant.dbRole);
    const { backupOnPurge } = await this.lifecycle.detailsOf(tenant.id);
    if (backupOnPurge && found.database === 'valid') await this.backUp(tenant, access, found.role);
    else if (backupOnPurge) this.logger.warn({ database: found.database }, 'no usable database left to back up');
    if (found.database) await admin.drop(tenant.dbName);
    if (found.role) await admin.dropRole(tenant.dbRole);
  }

  /**
   * pg_dump runs as the tenant's role, which owns everything in the database (the provisioner
   * is no superuser and could not read it), with the password only the service knows. The role
   * may log in for just as long as the dump takes.
   */
  private async backUp(tenant: Tenant, access: TenantAccessAdmin, role: RoleFacts | undefined): Promise<void> {
    const file = this.files.pathFor(tenant);
    if (tenant.backup?.path === file && (await this.files.holds(file, tenant.backup.checksum))) return;
    if (!role) throw new Error(`role "${tenant.dbRole}" is missing, and only the tenant's role may read its database for the backup`);
    const password = await this.replacePassword(tenant, access);
    await access.letIn(tenant.dbRole, role);
    let checksum: string;
    try {
      checksum = await this.files.write(
        archiveLogin(await this.addresses.address(tenant.server!), tenant.dbName, tenant.dbRole, password),
        file,
      );
    } finally {
      await access.shutOut(tenant.dbRole);
    }
    await this.lifecycle.recordBackup(tenant.id, { path: file, checksum });
    this.logger.info({ backup: file, checksum }, 'tenant database backed up');
  }

  /**
   * A password nobody else knows, even when the purge came straight from `DELETE ?purge=true`
   * without a deletion's: stored first, then set, so a retry after a crash in between sets its own.
   */
  private async replacePassword(tenant: Tenant, access: TenantAccessAdmin): Promise<string> {
    const password = this.cipher.generatePassword();
    await this.tenants.replacePassword(tenant.id, this.cipher.encrypt(password, tenant.id));
    await access.setPassword(tenant.dbRole, await scramSha256Verifier(password));
    return password;
  }
}

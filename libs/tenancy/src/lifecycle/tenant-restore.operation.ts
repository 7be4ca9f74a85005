import { Inject, Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { BackupFiles } from '../archives/backup-files';
import { PgArchiveTool } from '../archives/pg-archive.tool';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { TenantError } from '../errors/tenant-error';
import { withCredentials, withDatabase } from '../postgres/connection-url';
import type { Tenant } from '../registry/tenant';
import { TenantLifecycleRepository } from '../registry/tenant-lifecycle.repository';
import { scramSha256Verifier } from '../secrets/scram-verifier';
import { TenantSecretCipher } from '../secrets/tenant-secret.cipher';
import { InternalDatabaseNames } from '../tenant-databases/internal-database-names';
import { tenantMark } from '../tenant-databases/service-marks';
import { DatabaseServerDirectory } from '../servers/database-server.directory';
import { TenantSchemaMigrator } from '../tenant-databases/tenant-schema.migrator';
import { TenantServerToolkits } from '../tenant-databases/tenant-server.toolkits';
import { archiveLogin } from './archive-login';

/**
 * The worker's half of a restore. The database is made the way provisioning makes one (under
 * its building name, then given to the tenant's role with a new password and marked), left
 * empty, and the archive loaded into it by pg_restore logged in as that role (`--no-owner
 * --no-privileges`: what the archive holds belongs to whoever restores it, and runs with no more
 * rights). The tenant migrations added since the backup are applied, as the role too. Only then
 * is it renamed to the tenant's name: a database under that name means the restore is complete.
 */
@Injectable()
export class TenantRestoreOperation {
  private readonly names: InternalDatabaseNames;

  constructor(
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'tenants'>,
    private readonly servers: TenantServerToolkits,
    private readonly addresses: DatabaseServerDirectory,
    private readonly lifecycle: TenantLifecycleRepository,
    private readonly cipher: TenantSecretCipher,
    private readonly files: BackupFiles,
    private readonly tool: PgArchiveTool,
    private readonly migrator: TenantSchemaMigrator,
    private readonly logger: PinoLogger,
  ) {
    this.names = new InternalDatabaseNames(config.tenants.databasePrefix);
  }

  async run(tenant: Tenant): Promise<void> {
    const { access, admin, catalog } = await this.servers.forTenant(tenant);
    const found = await access.find(tenant);
    if (found.database === 'valid') return;
    if (found.database === 'invalid') await admin.drop(tenant.dbName);
    if (found.role?.privileged.length) {
      throw TenantError.foreignDatabaseObject(
        'role',
        tenant.dbRole,
        `has ${found.role.privileged.join(', ')}, and such a role is never given a login`,
      );
    }
    const { restoreFrom } = await this.lifecycle.detailsOf(tenant.id);
    if (!restoreFrom) throw new Error('no archive recorded for this restore');
    // Checked again: the file may have changed since the request was accepted.
    const archive = await this.files.verify(tenant.id, restoreFrom.path, restoreFrom.checksum);
    const password = await this.keptPassword(tenant);
    const owner = { name: tenant.dbRole, verifier: await scramSha256Verifier(password), mark: tenantMark(tenant.id) };

    const building = this.names.newTenantDatabase(tenant.id);
    // Whatever an interrupted attempt loaded is of no use: start from an empty database.
    if ((await catalog.describeDatabase(building)).state !== 'missing') await admin.drop(building);
    if (!(await admin.createDatabase(building)))
      throw new Error(`database "${building}" appeared while being made; the attempt will be retried`);
    if (found.role) await admin.handOverToExistingRole({ name: building }, owner);
    else await admin.handOverToNewRole({ name: building }, owner);

    const address = await this.addresses.address(tenant.server!);
    await this.tool.restore(archiveLogin(address, building, tenant.dbRole, password), archive.path);
    await this.migrator.migrateAsTenant(withCredentials(withDatabase(address, building), tenant.dbRole, password));
    await admin.renameDatabase(building, tenant.dbName);
    this.logger.info({ backup: archive.path, checksum: archive.checksum }, 'tenant database restored');
  }

  /**
   * After a restore that gave up: what it made is dropped, so the tenant is purged again with
   * nothing of it left on the server. Only what carries the tenant's mark.
   */
  async cleanUp(tenant: Tenant): Promise<void> {
    const { access, admin } = await this.servers.forTenant(tenant);
    const found = await access.find(tenant);
    await admin.drop(this.names.newTenantDatabase(tenant.id));
    // A valid one under the tenant's name is a finished restore: never dropped here.
    if (found.database === 'invalid') await admin.drop(tenant.dbName);
    if (found.role) await admin.dropRole(tenant.dbRole);
  }

  /** The first password stored for this restore stays, so a retried attempt sets the same one. */
  private async keptPassword(tenant: Tenant): Promise<string> {
    const kept = await this.lifecycle.keepRestorePassword(tenant.id, this.cipher.encrypt(this.cipher.generatePassword(), tenant.id));
    return this.cipher.decrypt(kept.dbPasswordEncrypted!, tenant.id);
  }
}

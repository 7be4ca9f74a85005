import * as path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { BackupFiles } from '../archives/backup-files';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { TenantError } from '../errors/tenant-error';
import { assertNotReserved, opaqueDatabaseName, slugForTenantName, tenantDatabaseName } from '../naming/tenant-naming';
import type { Tenant } from '../registry/tenant';
import { RestoreSource, TenantLifecycleRepository } from '../registry/tenant-lifecycle.repository';
import { TenantPlacement } from '../servers/tenant-placement';
import { AcceptedOperation, LifecycleRequests, RequestRule } from './lifecycle-requests';

export interface RestoreTenantOptions {
  /** The archive to restore, in BACKUP_DIR (absolute, or relative to it); default: the tenant's recorded backup. */
  backup?: string;
  /** Restore into a new tenant of this name instead of bringing this one back. */
  as?: string;
}

const RESTORE_IN_PLACE: RequestRule = {
  operation: 'restore',
  allowed: (tenant) => tenant.status === 'purged' && !tenant.operation,
  refusal: (tenant) =>
    TenantError.wrongStatus(
      tenant.id,
      tenant.status,
      tenant.status === 'deleted'
        ? 'its database is still there until it is purged; purge it first, or restore it as a new tenant with as'
        : 'only a purged tenant can be restored in place; restore it as a new tenant with as',
    ),
};

/**
 * Brings a purged tenant back to `ready` from its recorded backup (or another archive in
 * BACKUP_DIR), or makes a new tenant from it (`as`). The archive is checked before anything is
 * recorded; the worker makes a new database and role (with a new password) and loads it as that role,
 * on the server the tenant was on while it has room, else on the one with the most room.
 */
@Injectable()
export class RestoreTenant {
  constructor(
    private readonly requests: LifecycleRequests,
    private readonly lifecycle: TenantLifecycleRepository,
    private readonly files: BackupFiles,
    private readonly placement: TenantPlacement,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'tenants'>,
  ) {}

  /** `tenant`: an id or a slug (of the tenant whose backup it is). */
  async execute(tenant: string, options: RestoreTenantOptions = {}): Promise<AcceptedOperation> {
    const found = await this.requests.find(tenant);
    if (options.as === undefined) {
      this.requests.check(found, RESTORE_IN_PLACE);
      const source = await this.archiveOf(found, options.backup);
      const server = this.placement.choiceForRestore(found.server);
      return this.requests.accept(found, RESTORE_IN_PLACE, () => this.lifecycle.requestRestore(found.id, source, server));
    }
    const named = this.newTenant(options.as);
    const source = await this.archiveOf(found, options.backup);
    const created = await this.lifecycle.createRestoring(named, source, this.placement.choiceForRestore(found.server));
    return this.requests.queued(created, 'restore');
  }

  /** The archive checked now, with its checksum, which the worker checks again before it reads it. */
  private async archiveOf(tenant: Tenant, given: string | undefined): Promise<RestoreSource> {
    const file = given ?? tenant.backup?.path;
    if (file === undefined) {
      throw TenantError.backupNotFound(
        tenant.id,
        `tenant ${tenant.id} has no recorded backup (it was never purged, or purged without one); name an archive in BACKUP_DIR with backup`,
      );
    }
    const recorded = tenant.backup && path.resolve(this.files.dir, file) === tenant.backup.path ? tenant.backup.checksum : undefined;
    const archive = await this.files.verify(tenant.id, file, recorded);
    return { path: archive.path, checksum: archive.checksum };
  }

  private newTenant(name: string) {
    const slug = slugForTenantName(name);
    const { databasePrefix: prefix, databaseNaming, reservedDatabaseNames } = this.config.tenants;
    const dbName = databaseNaming === 'opaque' ? opaqueDatabaseName(prefix) : tenantDatabaseName(prefix, slug);
    assertNotReserved(dbName, reservedDatabaseNames);
    return { name: name.trim(), slug, dbName };
  }
}

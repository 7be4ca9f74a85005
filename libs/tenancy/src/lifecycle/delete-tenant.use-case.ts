import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { TenantError } from '../errors/tenant-error';
import type { Tenant } from '../registry/tenant';
import { TenantLifecycleRepository } from '../registry/tenant-lifecycle.repository';
import { AcceptedOperation, LifecycleRequests, RequestRule } from './lifecycle-requests';

export interface DeleteTenantOptions {
  /** Purge now instead of after TENANT_DELETE_RETENTION_DAYS (default false). */
  purge?: boolean;
  /** Dump the database into BACKUP_DIR before the purge drops it (default true). */
  backup?: boolean;
}

const DELETABLE = new Set<Tenant['status']>(['ready', 'suspended', 'failed']);

function refuseDelete(tenant: Tenant): TenantError {
  const refusal: Partial<Record<Tenant['status'], string>> = {
    pending: 'it is still being provisioned; delete it once it is ready or failed',
    provisioning: 'it is still being provisioned (or restored); delete it once it is ready or failed',
    deleted: `it was deleted already; its data is kept until ${tenant.purgeAfter?.toISOString() ?? 'its purge'}: ask again with purge to purge it now`,
    purged: 'it was deleted and purged already',
  };
  return TenantError.wrongStatus(tenant.id, tenant.status, refusal[tenant.status] ?? 'it cannot be deleted');
}

const DELETE: RequestRule = {
  operation: 'delete',
  allowed: (tenant) => DELETABLE.has(tenant.status) && !tenant.operation,
  refusal: refuseDelete,
};

const PURGE_NOW: RequestRule = {
  operation: 'purge',
  allowed: (tenant) => DELETABLE.has(tenant.status) && !tenant.operation,
  refusal: refuseDelete,
};

/** A deleted tenant may be purged now; a deletion still under way becomes the purge. */
const PURGE_DELETED: RequestRule = {
  operation: 'purge',
  allowed: (tenant) => tenant.status === 'deleted' && (!tenant.operation || tenant.operation === 'delete'),
  refusal: refuseDelete,
};

/**
 * Deletes a tenant: `deleted` in master at once (tenant apps answer 403), then the worker shuts
 * its role out and replaces its password. The data is kept for TENANT_DELETE_RETENTION_DAYS, after
 * which (or at once, with `purge`) a worker backs it up and drops database and role; the row
 * stays as a tombstone, and the name is free again.
 */
@Injectable()
export class DeleteTenant {
  constructor(
    private readonly requests: LifecycleRequests,
    private readonly lifecycle: TenantLifecycleRepository,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'fleet'>,
  ) {}

  /** `tenant`: an id or a slug. */
  async execute(tenant: string, options: DeleteTenantOptions = {}): Promise<AcceptedOperation> {
    const purge = options.purge ?? false;
    const backup = options.backup ?? true;
    const found = await this.requests.find(tenant);
    if (purge && found.status === 'deleted') {
      return this.requests.accept(found, PURGE_DELETED, () => this.lifecycle.requestPurge(found.id, backup));
    }
    const request = { purge, backup, retentionDays: this.config.fleet.deleteRetentionDays };
    return this.requests.accept(found, purge ? PURGE_NOW : DELETE, () => this.lifecycle.requestDelete(found.id, request));
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Client } from 'pg';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { withCredentials, withDatabase } from '../postgres/connection-url';
import { withClient } from '../postgres/with-client';
import type { Tenant } from '../registry/tenant';
import { TenantSecretCipher } from '../secrets/tenant-secret.cipher';

export type TenantLoginTarget = Pick<Tenant, 'id' | 'dbName' | 'dbRole' | 'dbPasswordEncrypted'>;

/**
 * Connections into a tenant's database as the tenant's own role, with the password kept sealed
 * for it in master: whatever the tenant left there runs with no more rights than the tenant's.
 * No provisioner credentials are involved, so a process that only needs this never holds them.
 */
@Injectable()
export class TenantRoleLogin {
  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'tenantServer'>,
    private readonly cipher: TenantSecretCipher,
  ) {}

  url(tenant: TenantLoginTarget): string {
    const password = this.cipher.decrypt(tenant.dbPasswordEncrypted!, tenant.id);
    return withCredentials(withDatabase(this.config.tenantServer.maintenanceUrl, tenant.dbName), tenant.dbRole, password);
  }

  run<T>(tenant: TenantLoginTarget, work: (client: Client) => Promise<T>): Promise<T> {
    return withClient(this.url(tenant), work);
  }
}

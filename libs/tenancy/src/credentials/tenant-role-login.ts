import { Injectable } from '@nestjs/common';
import type { Client } from 'pg';
import { withCredentials, withDatabase } from '../postgres/connection-url';
import { withClient } from '../postgres/with-client';
import type { Tenant } from '../registry/tenant';
import { TenantSecretCipher } from '../secrets/tenant-secret.cipher';
import { DEFAULT_SERVER } from '../servers/database-server';
import { DatabaseServerDirectory } from '../servers/database-server.directory';

export type TenantLoginTarget = Pick<Tenant, 'id' | 'dbName' | 'dbRole' | 'dbPasswordEncrypted' | 'server'>;

/**
 * Connections into a tenant's database as the tenant's own role, with the password kept sealed
 * for it in master: whatever the tenant left there runs with no more rights than the tenant's.
 * No provisioner credentials are involved, so a process that only needs this never holds them.
 */
@Injectable()
export class TenantRoleLogin {
  constructor(
    private readonly servers: DatabaseServerDirectory,
    private readonly cipher: TenantSecretCipher,
  ) {}

  async url(tenant: TenantLoginTarget): Promise<string> {
    const address = await this.servers.address(tenant.server ?? DEFAULT_SERVER);
    const password = this.cipher.decrypt(tenant.dbPasswordEncrypted!, tenant.id);
    return withCredentials(withDatabase(address, tenant.dbName), tenant.dbRole, password);
  }

  async run<T>(tenant: TenantLoginTarget, work: (client: Client) => Promise<T>): Promise<T> {
    return withClient(await this.url(tenant), work);
  }
}

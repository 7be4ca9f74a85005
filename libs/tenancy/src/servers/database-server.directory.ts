import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { withDatabase } from '../postgres/connection-url';
import { TenantSecretCipher } from '../secrets/tenant-secret.cipher';
import { DEFAULT_SERVER } from './database-server';
import { DatabaseServerRepository } from './database-server.repository';
import { TenantError } from '../errors/tenant-error';

/** What a server's provisioner URL is sealed for: the server's name, so it opens for no other row. */
export function serverSecretOwner(name: string): string {
  return `database-server:${name}`;
}

/**
 * Where each server is, as this process knows it: `default` from its own configuration, any
 * other from the registry (read once: a server's address never changes under its name). Only
 * processes that act as the provisioner open the sealed URLs.
 */
@Injectable()
export class DatabaseServerDirectory {
  private readonly registered = new Map<string, Promise<{ address: string; adminUrlSealed: string }>>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'tenantServer'>,
    private readonly servers: DatabaseServerRepository,
    private readonly cipher: TenantSecretCipher,
  ) {}

  /** The server's address with credentials left for the caller to set; the maintenance database selected. */
  async address(server: string): Promise<string> {
    if (server === DEFAULT_SERVER) return this.config.tenantServer.maintenanceUrl;
    return withDatabase((await this.lookUp(server)).address, 'postgres');
  }

  /** The provisioner's URL of the server's maintenance database. */
  async adminUrl(server: string): Promise<string> {
    if (server === DEFAULT_SERVER) return this.config.tenantServer.maintenanceUrl;
    const { adminUrlSealed } = await this.lookUp(server);
    return withDatabase(this.cipher.decrypt(adminUrlSealed, serverSecretOwner(server)), 'postgres');
  }

  private lookUp(server: string) {
    let known = this.registered.get(server);
    if (!known) {
      known = this.servers.sealedAdminUrl(server).then((found) => found ?? Promise.reject(TenantError.serverNotFound(server)));
      // A failed read is not remembered: the server may be registered a moment later.
      known.catch(() => this.registered.delete(server));
      this.registered.set(server, known);
    }
    return known;
  }
}

import { Injectable } from '@nestjs/common';
import { TenantError } from '../errors/tenant-error';
import { DatabaseServerUsage } from './database-server';
import { DatabaseServerChanges, DatabaseServerRepository } from './database-server.repository';

/**
 * A server's capacity or state. A capacity below the tenants already on the server is refused,
 * so nobody believes a server holds fewer databases than it does (drain it to empty it).
 */
@Injectable()
export class ChangeDatabaseServer {
  constructor(private readonly servers: DatabaseServerRepository) {}

  async execute(name: string, changes: DatabaseServerChanges): Promise<DatabaseServerUsage> {
    const server = await this.servers.get(name);
    if (changes.capacity !== undefined && changes.capacity < server.tenants) {
      throw TenantError.serverRejected(
        name,
        `it holds ${server.tenants} tenant databases, more than a capacity of ${changes.capacity}`,
      );
    }
    return this.servers.update(name, changes);
  }
}

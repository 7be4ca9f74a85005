import { Injectable } from '@nestjs/common';
import { withClient } from '../postgres/with-client';
import { DatabaseServerUsage } from './database-server';
import { DatabaseServerDirectory } from './database-server.directory';
import { DatabaseServerRepository } from './database-server.repository';

const REACH_TIMEOUT_MS = 3000;

export interface DatabaseServerReport extends DatabaseServerUsage {
  /** Whether the provisioner's login answered just now, and why not when it did not. */
  reachable: boolean;
  unreachableReason?: string;
}

/** Every registered server, its tenants against its capacity, and whether it answers right now (tried in parallel). */
@Injectable()
export class ListDatabaseServers {
  constructor(
    private readonly servers: DatabaseServerRepository,
    private readonly directory: DatabaseServerDirectory,
  ) {}

  async execute(): Promise<DatabaseServerReport[]> {
    const servers = await this.servers.list();
    return Promise.all(servers.map(async (server) => ({ ...server, ...(await this.reach(server.name)) })));
  }

  /** One server, as `execute` reports each. */
  async show(name: string): Promise<DatabaseServerReport> {
    const server = await this.servers.get(name);
    return { ...server, ...(await this.reach(name)) };
  }

  private async reach(name: string): Promise<Pick<DatabaseServerReport, 'reachable' | 'unreachableReason'>> {
    try {
      const url = new URL(await this.directory.adminUrl(name));
      url.searchParams.set('connect_timeout', String(REACH_TIMEOUT_MS / 1000));
      await withClient(url.toString(), (client) => client.query('SELECT 1'));
      return { reachable: true };
    } catch (error) {
      return { reachable: false, unreachableReason: (error as Error).message };
    }
  }
}

import { Inject, Injectable } from '@nestjs/common';
import type { Knex } from 'knex';
import { TenantError } from '../errors/tenant-error';
import { MASTER_KNEX } from '../master/master-database.tokens';
import { DatabaseServer, DatabaseServerUsage, ServerState } from './database-server';

interface DatabaseServerRow {
  name: string;
  address: string | null;
  admin_url_sealed: string | null;
  capacity: number;
  state: ServerState;
  unreachable_since: Date | null;
  created_at: Date;
  updated_at: Date;
}

export interface NewDatabaseServer {
  name: string;
  address: string;
  adminUrlSealed: string;
  capacity: number;
}

export type DatabaseServerChanges = Partial<Pick<DatabaseServer, 'capacity' | 'state'>>;

const UNIQUE_VIOLATION = '23505';
/** Counts a server's tenant databases: every tenant placed on it but the purged. */
const TENANTS_ON_SERVER = `(SELECT count(*) FROM tenants WHERE tenants.server = database_servers.name AND status <> 'purged')::int`;

/** The master's registry of the PostgreSQL servers tenant databases live on. */
@Injectable()
export class DatabaseServerRepository {
  constructor(@Inject(MASTER_KNEX) private readonly master: Knex) {}

  async list(): Promise<DatabaseServerUsage[]> {
    const rows = await this.withUsage().orderBy('name');
    return rows.map(toUsage);
  }

  /** The names of the servers in these states, without counting their tenants (which reads every tenant row placed there). */
  async namesIn(states: readonly ServerState[]): Promise<string[]> {
    return this.servers().whereIn('state', states).orderBy('name').pluck('name');
  }

  async find(name: string): Promise<DatabaseServerUsage | undefined> {
    const [row] = await this.withUsage().where({ name });
    return row && toUsage(row);
  }

  async get(name: string): Promise<DatabaseServerUsage> {
    const server = await this.find(name);
    if (!server) throw TenantError.serverNotFound(name);
    return server;
  }

  /** The provisioner's URL for the server, sealed; undefined for `default` and unknown names. */
  async sealedAdminUrl(name: string): Promise<{ address: string; adminUrlSealed: string } | undefined> {
    const row = await this.servers().where({ name }).whereNotNull('admin_url_sealed').first();
    return row ? { address: row.address!, adminUrlSealed: row.admin_url_sealed! } : undefined;
  }

  async add(server: NewDatabaseServer): Promise<DatabaseServerUsage> {
    try {
      await this.servers().insert({
        name: server.name,
        address: server.address,
        admin_url_sealed: server.adminUrlSealed,
        capacity: server.capacity,
      });
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw TenantError.serverExists(server.name);
      throw error;
    }
    return this.get(server.name);
  }

  /** What a worker found on trying the server; written only when it changes (then true). */
  async recordReachability(name: string, reachable: boolean): Promise<boolean> {
    const changed = await this.servers()
      .where({ name })
      .whereRaw(reachable ? 'unreachable_since IS NOT NULL' : 'unreachable_since IS NULL')
      .update({ unreachable_since: reachable ? null : this.master.fn.now() });
    return changed > 0;
  }

  async update(name: string, changes: DatabaseServerChanges): Promise<DatabaseServerUsage> {
    const updated = await this.servers()
      .where({ name })
      .update({ ...changes, updated_at: this.master.fn.now() });
    if (!updated) throw TenantError.serverNotFound(name);
    return this.get(name);
  }

  private withUsage(): Knex.QueryBuilder<DatabaseServerRow, (DatabaseServerRow & { tenants: number })[]> {
    return this.servers().select('*', this.master.raw(`${TENANTS_ON_SERVER} AS tenants`));
  }

  private servers() {
    return this.master<DatabaseServerRow>('database_servers');
  }
}

function toUsage(row: DatabaseServerRow & { tenants: number }): DatabaseServerUsage {
  return {
    name: row.name,
    address: row.address,
    capacity: row.capacity,
    state: row.state,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    tenants: row.tenants,
  };
}

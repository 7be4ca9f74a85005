import { Inject, Injectable } from '@nestjs/common';
import type { Knex } from 'knex';
import { TenantError } from '../errors/tenant-error';
import { MASTER_KNEX } from '../master/master-database.tokens';
import type { Tenant } from '../registry/tenant';
import { TenantRepository } from '../registry/tenant.repository';
import type { ServerState } from '../servers/database-server';

/** Where a move in progress takes a tenant from and to. */
export interface TenantMove {
  source: string;
  target: string;
}

interface TargetRow {
  state: ServerState;
  capacity: number;
  unreachable_since?: Date | null;
}

/**
 * The move columns of the tenants table. The registry (`server`) names the source until the copy
 * is verified, then the target, switched by one conditional UPDATE: a tenant is never on two servers.
 */
@Injectable()
export class TenantMoveRepository {
  constructor(
    @Inject(MASTER_KNEX) private readonly master: Knex,
    private readonly tenants: TenantRepository,
  ) {}

  /**
   * Records the move of a ready tenant with no operation under way, in the transaction that locks
   * the target's row (as placement does) and counts its tenants, those moving onto it included:
   * two moves never both take its last place. Undefined when the tenant changed meanwhile.
   */
  requestMove(tenant: Tenant, target: string): Promise<Tenant | undefined> {
    return this.master
      .transaction(async (trx) => {
        const server = await trx('database_servers').where({ name: target }).forUpdate().first<TargetRow | undefined>();
        if (!server) throw TenantError.serverNotFound(target);
        if (server.state !== 'active') throw targetRefused(target, `is ${server.state}`);
        if (server.unreachable_since) throw targetRefused(target, 'is unreachable');
        const [row] = await trx('tenants')
          .where((where) => void where.where({ server: target }).orWhere({ move_target: target }))
          .whereNot({ status: 'purged' })
          .count<{ count: string }[]>({ count: '*' });
        if (Number(row!.count) >= server.capacity) throw targetRefused(target, 'is at its capacity');
        const updated = await trx('tenants')
          .where({ id: tenant.id, status: 'ready', server: tenant.server })
          .whereNull('operation')
          .update({
            operation: 'move',
            operation_error: null,
            move_source: tenant.server,
            move_target: target,
            updated_at: trx.fn.now(),
          });
        return updated === 1;
      })
      .then((recorded) => (recorded ? this.tenants.getById(tenant.id) : undefined));
  }

  /** Every tenant whose database is on the server (the purged excepted), oldest first. */
  async tenantsOn(server: string): Promise<Tenant[]> {
    const rows = await this.master('tenants')
      .select<{ id: string }[]>('id')
      .where({ server })
      .whereNot({ status: 'purged' })
      .orderBy(['created_at', 'id']);
    return Promise.all(rows.map((row) => this.tenants.getById(row.id)));
  }

  /**
   * The active, reachable server other than `excluded` with the most room left, counting the
   * tenants moving onto it (ties to the first name); undefined when none has room.
   */
  async roomiestServer(excluded: string): Promise<string | undefined> {
    const { rows } = await this.master.raw<{ rows: { name: string }[] }>(
      `SELECT name FROM (
         SELECT s.name, s.capacity - (SELECT count(*) FROM tenants t
                                        WHERE (t.server = s.name OR t.move_target = s.name) AND t.status <> 'purged') AS room
           FROM database_servers s
          WHERE s.state = 'active' AND s.unreachable_since IS NULL AND s.name <> ?
       ) servers
       WHERE room > 0 ORDER BY room DESC, name LIMIT 1`,
      [excluded],
    );
    return rows[0]?.name;
  }

  /** The move recorded on the tenant, while one is under way. */
  async moveOf(id: string): Promise<TenantMove | undefined> {
    const row = await this.master('tenants')
      .select<{ move_source: string | null; move_target: string | null }>('move_source', 'move_target')
      .where({ id, operation: 'move' })
      .first();
    return row?.move_source && row.move_target ? { source: row.move_source, target: row.move_target } : undefined;
  }

  /** The registry names the target from now on; undefined when the row is not where this move left it. */
  async switchServer(id: string, move: TenantMove): Promise<Tenant | undefined> {
    const count = await this.master('tenants')
      .where({ id, operation: 'move', server: move.source, move_source: move.source, move_target: move.target })
      .update({ server: move.target, updated_at: this.master.fn.now() });
    return count === 1 ? this.tenants.getById(id) : undefined;
  }
}

/** A move's target takes new tenants only while active, reachable and below its capacity. */
export function targetRefused(server: string, reason: string): TenantError {
  return new TenantError('server_unavailable', `database server "${server}" ${reason}; move the tenant to another`, { server });
}

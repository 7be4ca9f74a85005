import { Inject, Injectable } from '@nestjs/common';
import type { Knex } from 'knex';
import { TenantError } from '../errors/tenant-error';
import { MASTER_KNEX } from '../master/master-database.tokens';
import type { ServerChoice } from '../registry/tenant.repository';
import type { ServerState } from './database-server';

/**
 * Where tenant databases go: the active server with the most room left (ties to the first name)
 * among those the workers last found reachable, or the one asked for.
 *
 * No server takes more than its capacity, and placements do not queue behind each other while
 * there is room: a server with more room than master has connections (so more than the
 * placements that can be in flight at once, each on a connection of its own) is only shared
 * (`FOR SHARE`), which a drain or disable waits for, and is then seen by the next placement.
 * Closer to full, a placement locks the active servers' rows in name order and counts again, so
 * two placements never both take a server's last place.
 */
@Injectable()
export class TenantPlacement {
  constructor(@Inject(MASTER_KNEX) private readonly master: Knex) {}

  /** For a new tenant, inside the transaction that records it; `requested` must take it or the request is refused. */
  choiceFor(requested?: string): ServerChoice {
    return async (trx) => {
      const chosen = await chooseServer(trx, requested);
      if (requested && !chosen) throw await refusal(trx, requested);
      return chosen;
    };
  }

  /**
   * For a restore, inside the transaction that records it: the server the backup's tenant was on
   * while that one takes new tenants and has room, else the active server with the most room;
   * undefined when none has.
   */
  choiceForRestore(previous: string | null): ServerChoice {
    return async (trx) => (previous === null ? undefined : await chooseServer(trx, previous)) ?? (await chooseServer(trx));
  }

  /**
   * Places a tenant recorded while every server was full (the caller holds the tenant's lock);
   * undefined while none has room.
   */
  placeWaiting(tenantId: string): Promise<string | undefined> {
    return this.master.transaction(async (trx) => {
      const server = await chooseServer(trx);
      if (server) await trx('tenants').where({ id: tenantId }).whereNull('server').update({ server, updated_at: trx.fn.now() });
      return server;
    });
  }
}

async function chooseServer(trx: Knex.Transaction, requested?: string): Promise<string | undefined> {
  const roomy = await serverWithMostRoom(trx, activeServers(trx, requested).select('name'));
  if (roomy && roomy.room > roomy.placementsInFlight) {
    const shared = await activeServers(trx, requested)
      .where({ name: roomy.name })
      .forShare()
      .first<{ name: string } | undefined>('name');
    if (shared) return roomy.name;
  }
  const locked = (await activeServers(trx, requested).orderBy('name').forUpdate().pluck('name')) as string[];
  if (!locked.length) return undefined;
  return (await serverWithMostRoom(trx, locked))?.name;
}

/** The active servers that may take a new tenant; a server that is down takes no one new unless named, and its tenants then wait for it. */
function activeServers(trx: Knex.Transaction, requested?: string): Knex.QueryBuilder {
  const active = trx('database_servers').where({ state: 'active' });
  return requested ? active.where({ name: requested }) : active.whereNull('unreachable_since');
}

/**
 * Of `names` (a list, or a subquery), the server with the most room left, as this statement sees
 * the tenants: those on it and those moving onto it, as a move's own check counts them.
 */
async function serverWithMostRoom(
  trx: Knex.Transaction,
  names: string[] | Knex.QueryBuilder,
): Promise<{ name: string; room: number; placementsInFlight: number } | undefined> {
  const row = await trx('database_servers as s')
    .leftJoin('tenants as t', (join) =>
      join.on((on) => on.on('t.server', 's.name').orOn('t.move_target', 's.name')).andOnVal('t.status', '<>', 'purged'),
    )
    .whereIn('s.name', names)
    .groupBy('s.name', 's.capacity')
    .havingRaw('s.capacity > count(t.id)')
    .orderByRaw('s.capacity - count(t.id) DESC, s.name')
    .first<{ name: string; room: number; max_connections: number } | undefined>(
      's.name',
      trx.raw('(s.capacity - count(t.id))::int AS room'),
      trx.raw("current_setting('max_connections')::int AS max_connections"),
    );
  return row && { name: row.name, room: row.room, placementsInFlight: row.max_connections };
}

async function refusal(trx: Knex.Transaction, requested: string): Promise<TenantError> {
  const server = await trx('database_servers').where({ name: requested }).first<{ state: ServerState } | undefined>('state');
  if (!server) return TenantError.serverNotFound(requested);
  return TenantError.serverUnavailable(requested, server.state === 'active' ? 'is at its capacity' : `is ${server.state}`);
}

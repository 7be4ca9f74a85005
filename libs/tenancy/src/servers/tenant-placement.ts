import { Inject, Injectable } from '@nestjs/common';
import type { Knex } from 'knex';
import { TenantError } from '../errors/tenant-error';
import { MASTER_KNEX } from '../master/master-database.tokens';
import type { ServerChoice } from '../registry/tenant.repository';
import type { ServerState } from './database-server';

/**
 * Where tenant databases go: the active server with the most room left (ties to the first name)
 * among those the workers last found reachable, or the one asked for. Every placement locks the active servers' rows first, in name order, so
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
  const active = trx('database_servers').select('name').where({ state: 'active' }).orderBy('name').forUpdate();
  // A server that is down takes no one new, unless named: its tenants then wait for it.
  if (requested) active.where({ name: requested });
  else active.whereNull('unreachable_since');
  const names = (await active).map((row: { name: string }) => row.name);
  if (!names.length) return undefined;
  const { rows } = await trx.raw<{ rows: { name: string }[] }>(
    `SELECT s.name FROM database_servers s
       LEFT JOIN tenants t ON t.server = s.name AND t.status <> 'purged'
      WHERE s.name = ANY(?)
      GROUP BY s.name, s.capacity
     HAVING s.capacity > count(t.id)
      ORDER BY s.capacity - count(t.id) DESC, s.name
      LIMIT 1`,
    [names],
  );
  return rows[0]?.name;
}

async function refusal(trx: Knex.Transaction, requested: string): Promise<TenantError> {
  const server = await trx('database_servers').where({ name: requested }).first<{ state: ServerState } | undefined>('state');
  if (!server) return TenantError.serverNotFound(requested);
  return TenantError.serverUnavailable(requested, server.state === 'active' ? 'is at its capacity' : `is ${server.state}`);
}

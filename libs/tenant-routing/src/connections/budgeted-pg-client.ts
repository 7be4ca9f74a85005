import { HttpException, ServiceUnavailableException } from '@nestjs/common';
import { isConnectionError } from '@app/tenancy';
import type { Knex } from 'knex';
import type { ConnectionBudget } from './connection-budget';

type KnexClientClass = new (config: Knex.Config) => Knex.Client;

// Knex's own PostgreSQL dialect, extended below; knex publishes no typings for the dialect class.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const PostgresClient = require('knex/lib/dialects/postgres') as KnexClientClass;

/**
 * Knex's PostgreSQL client, with every connection it opens counted against the process's
 * budget (a permit before connecting, given back when the connection closes), and the ways a
 * tenant's database can be out of reach turned into 503s a client can retry.
 */
export function budgetedPgClient(budget: ConnectionBudget): KnexClientClass {
  // Every tenant database lives on one server: its version, asked by the first pool, spares
  // every later pool Knex's `select version()` on its first connection.
  let serverVersion: string | undefined;
  return class BudgetedPgClient extends PostgresClient {
    declare version?: string;

    override async acquireRawConnection(): Promise<unknown> {
      await budget.acquire();
      this.version ??= serverVersion;
      try {
        const connection: unknown = await super.acquireRawConnection();
        serverVersion ??= this.version;
        return connection;
      } catch (error) {
        budget.release();
        throw error;
      }
    }

    override async destroyRawConnection(connection: unknown): Promise<void> {
      try {
        await super.destroyRawConnection(connection);
      } finally {
        budget.release();
      }
    }

    override async acquireConnection(): Promise<unknown> {
      try {
        return await super.acquireConnection();
      } catch (error) {
        throw unavailableOr(error);
      }
    }

    /** A connection ended under a statement (the tenant shut out for a move or a suspension, a server restarting) is a 503 too. */
    override async query(connection: unknown, obj: unknown): Promise<unknown> {
      try {
        return (await super.query(connection, obj)) as unknown;
      } catch (error) {
        throw unavailableOr(error);
      }
    }
  };
}

/** The ways a tenant's database can be out of reach, as a 503 a client may retry; any other error as it is. */
function unavailableOr(error: unknown): unknown {
  if (error instanceof HttpException) return error;
  if (isConnectionError(error) || isOutOfResources(error)) {
    return new ServiceUnavailableException("the tenant's database is busy or out of reach; try again shortly");
  }
  return error;
}

/**
 * SQLSTATE class 53: the server (max_connections), the tenant's role (its CONNECTION LIMIT) or the
 * machine is out of something; a moment later it may not be.
 */
function isOutOfResources(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('53');
}

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { withDatabase } from '@app/tenancy';
import { http } from './http';
import type { StatusBody } from './tenant-client';
import type { TestStack } from './test-stack';
import { waitFor } from './wait-for';

export interface LifecycleStatus extends StatusBody {
  operation: string | null;
  operationError: string | null;
}

/** Polls a tenant's status until no lifecycle operation is under way and it is in one of `statuses`. */
export function waitForRest(api: string, id: string, statuses: string[], timeoutMs = 30_000): Promise<LifecycleStatus> {
  return waitFor(
    `tenant ${id} to rest as ${statuses.join(' or ')}`,
    async () => {
      const { body } = await http<LifecycleStatus>(api, 'GET', `/org/${id}/status`);
      return body.operation === null && statuses.includes(body.status) ? body : undefined;
    },
    timeoutMs,
  );
}

/** A session logged in as `role` (no password: the test server trusts local connections, so only LOGIN decides). */
export async function connectAs(role: string, database: string, password?: string): Promise<Client> {
  const url = new URL(withDatabase('postgres://127.0.0.1:5432/', database));
  url.username = role;
  if (password) url.password = password;
  const client = new Client({ connectionString: url.toString() });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

export async function roleFacts(stack: TestStack, role: string): Promise<{ canLogin: boolean } | undefined> {
  const [row] = await stack.query<{ rolcanlogin: boolean }>(
    'SELECT rolcanlogin FROM pg_roles WHERE rolname = $1',
    [role],
    'postgres',
  );
  return row && { canLogin: row.rolcanlogin };
}

export async function databaseExists(stack: TestStack, dbName: string): Promise<boolean> {
  const rows = await stack.query('SELECT 1 FROM pg_database WHERE datname = $1', [dbName], 'postgres');
  return rows.length === 1;
}

export async function sealedPassword(stack: TestStack, tenantId: string): Promise<string | null> {
  const [row] = await stack.query<{ db_password_encrypted: string | null }>(
    'SELECT db_password_encrypted FROM tenants WHERE id = $1',
    [tenantId],
  );
  return row?.db_password_encrypted ?? null;
}

/** Every row of the tenant's users table, as the test superuser reads it. */
export async function usersOf(stack: TestStack, dbName: string): Promise<Record<string, unknown>[]> {
  return stack.query('SELECT id, name, email FROM users ORDER BY id', [], dbName);
}

export function sha256Of(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

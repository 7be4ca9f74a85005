import { randomBytes } from 'node:crypto';
import { TenantSecretCipher, withCredentials, withDatabase } from '@app/tenancy';
import { knex } from 'knex';
import { http } from './http';
import { createOrg, waitForStatus } from './tenant-client';
import type { TestStack } from './test-stack';

/** Rows to insert, by table, tables in the order given: `{ users: [{ name, email }] }`. */
export type Fixtures = Record<string, Record<string, unknown>[]>;

export interface ReadyTenant {
  id: string;
  name: string;
  slug: string;
  dbName: string;
  /** The tenant's login role (it has the database's name). */
  role: string;
  /** Logs into the tenant's database as its role, with the password the service keeps for it. */
  url: string;
  /** The fixture rows as inserted (`RETURNING *`: generated ids included), by table. */
  rows: Fixtures;
}

/**
 * A ready tenant with fixtures, in one call: created through the api (`POST /org/create`), waited
 * for until ready, then `fixtures` inserted in one transaction logged in as the tenant's own role,
 * with its password opened by the stack's TENANT_SECRET_KEY. Needs the stack's api and a worker
 * running; `stack.teardown()` drops the tenant with the rest.
 */
export async function createReadyTenant(
  stack: TestStack,
  api: string,
  options: { name?: string; fixtures?: Fixtures } = {},
): Promise<ReadyTenant> {
  const name = options.name ?? `Fixture ${randomBytes(4).toString('hex')}`;
  const created = await createOrg(api, name);
  const settled = await waitForStatus(api, created.id, ['ready', 'failed']);
  if (settled.status !== 'ready') throw new Error(`tenant ${name} failed: ${settled.error}`);
  const { body } = await http<{ slug: string }>(api, 'GET', `/org/${created.id}`);
  const [sealed] = await stack.query<{ db_password_encrypted: string }>('SELECT db_password_encrypted FROM tenants WHERE id = $1', [
    created.id,
  ]);
  // The test stack's tenants are on the default server, TENANT_DATABASE_URL's.
  const password = new TenantSecretCipher(stack.config).decrypt(sealed!.db_password_encrypted, created.id);
  const url = withCredentials(withDatabase(stack.config.tenantServer.maintenanceUrl, created.dbName), created.dbName, password);
  const rows = await insertFixtures(url, options.fixtures ?? {});
  return { id: created.id, name, slug: body.slug, dbName: created.dbName, role: created.dbName, url, rows };
}

async function insertFixtures(url: string, fixtures: Fixtures): Promise<Fixtures> {
  const inserted: Fixtures = {};
  if (Object.keys(fixtures).length === 0) return inserted;
  const asTenant = knex({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
  try {
    await asTenant.transaction(async (trx) => {
      for (const [table, rows] of Object.entries(fixtures)) {
        inserted[table] = rows.length ? await trx(table).insert(rows).returning('*') : [];
      }
    });
  } finally {
    await asTenant.destroy();
  }
  return inserted;
}

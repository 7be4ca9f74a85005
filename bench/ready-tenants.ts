import type { AppConfig } from '../libs/tenancy/src/config/app-config';
import { TenantSecretCipher } from '../libs/tenancy/src/secrets/tenant-secret.cipher';
import { sleep } from '../test/support/processes/wait';
import { BenchIdentity, withDatabase, withMaster } from './resources';
import type { Stack } from './stack';

/** Requests in flight while creating: enough to keep both cores busy, few enough not to queue for long. */
const CREATE_CONCURRENCY = 32;
const POLL_MS = 250;
const READY_TIMEOUT_MS = 10 * 60_000;

/** Makes n tenants through the api and the stack's workers; returns their ids once every one is ready. */
export async function provisionReadyTenants(stack: Stack, n: number, name: string): Promise<string[]> {
  const created = await mapLimit(n, CREATE_CONCURRENCY, async (i) => (await stack.create(`${name} ${i}`)).id);
  await waitUntilReady(stack, created);
  return created;
}

/**
 * The logins a tenant's own role uses (the password sealed in master, opened with the run's
 * TENANT_SECRET_KEY), by tenant id, read in one query: what the services connect as.
 */
export async function tenantLoginUrls(id: BenchIdentity, tenantIds: string[]): Promise<Map<string, string>> {
  const { rows } = await withMaster(id, (master) =>
    master.query<{ id: string; db_name: string; db_password_encrypted: string }>(
      'SELECT id, db_name, db_password_encrypted FROM tenants WHERE id = ANY($1::uuid[])',
      [tenantIds],
    ),
  );
  const cipher = new TenantSecretCipher({ tenants: { secretKey: Buffer.from(id.tenantSecretKey, 'hex') } } as Pick<
    AppConfig,
    'tenants'
  >);
  const urls = new Map<string, string>();
  for (const { id: tenantId, db_name: database, db_password_encrypted: sealed } of rows) {
    const url = new URL(withDatabase(id.databaseUrl, database));
    url.username = database; // a tenant's role is named like its database
    url.password = cipher.decrypt(sealed, tenantId);
    urls.set(tenantId, url.toString());
  }
  const missing = tenantIds.filter((tenantId) => !urls.has(tenantId));
  if (missing.length) throw new Error(`no login in master for tenants ${missing.join(', ')}`);
  return urls;
}

/** Watches the tenants with GET /org pages (one request per 100 tenants) until every one is ready. */
async function waitUntilReady(stack: Stack, ids: string[]): Promise<void> {
  const pending = new Set(ids);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (pending.size) {
    for (const view of await stack.newestTenants(ids.length)) {
      if (!pending.has(view.id)) continue;
      if (view.status === 'failed') throw new Error(`tenant ${view.id} failed: ${view.error}`);
      if (view.status === 'ready') pending.delete(view.id);
    }
    if (Date.now() > deadline) throw new Error(`${pending.size} of ${ids.length} tenants not ready after ${READY_TIMEOUT_MS} ms`);
    if (pending.size) await sleep(POLL_MS);
  }
}

/** work(0..n-1) with at most `limit` running at once; results in index order. */
export async function mapLimit<T>(n: number, limit: number, work: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(n);
  let next = 0;
  const runner = async () => {
    for (let i = next++; i < n; i = next++) results[i] = await work(i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, runner));
  return results;
}

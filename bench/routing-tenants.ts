import { Client } from 'pg';
import type { AppConfig } from '../libs/tenancy/src/config/app-config';
import { TenantSecretCipher } from '../libs/tenancy/src/secrets/tenant-secret.cipher';
import { sleep } from '../test/support/processes/wait';
import { JsonClient } from './json-client';
import { BenchIdentity, withDatabase } from './resources';
import type { Stack } from './stack';
import { round } from './stats';

/** A ready tenant with an API key and one row in its `users` table, made through the real services. */
export interface KeyedTenant {
  id: string;
  key: string;
  userId: number;
}

export interface Preparation {
  tenants: number;
  worker_processes: number;
  /** First POST /org/create → every tenant seen ready. */
  provision_s: number;
  /** POST /org/:id/api-keys for each, through the admin api. */
  api_keys_s: number;
  /** POST /users for each, through tenant-api with its key: the first request to every tenant. */
  users_s: number;
  total_s: number;
  tenants_per_s: number;
}

/** Requests in flight while preparing: enough to keep both cores busy, few enough not to queue for long. */
const CREATE_CONCURRENCY = 32;
const KEY_CONCURRENCY = 8;
const USER_CONCURRENCY = 8;
const POLL_MS = 250;
const READY_TIMEOUT_MS = 10 * 60_000;

/** Makes n ready tenants, each with an API key and one user; times each phase. */
export async function prepareTenants(stack: Stack, tenantApi: JsonClient, n: number): Promise<[KeyedTenant[], Preparation]> {
  const t0 = performance.now();
  const created = await mapLimit(n, CREATE_CONCURRENCY, async (i) => (await stack.create(`bench route ${i}`)).id);
  await waitUntilReady(stack, created);
  const t1 = performance.now();
  const keys = await mapLimit(n, KEY_CONCURRENCY, (i) => stack.issueApiKey(created[i]!));
  const t2 = performance.now();
  const tenants = await mapLimit(n, USER_CONCURRENCY, async (i): Promise<KeyedTenant> => {
    const tenant = { id: created[i]!, key: keys[i]! };
    const user = { name: `User ${i}`, email: `user${i}@bench.example` };
    const { status, body } = await tenantApi.request<{ id: number }>('POST', '/users', user, tenantHeaders(tenant));
    if (status !== 201) throw new Error(`POST /users for tenant ${tenant.id} answered ${status}: ${JSON.stringify(body)}`);
    return { ...tenant, userId: body.id };
  });
  const t3 = performance.now();
  const seconds = (from: number, to: number) => round((to - from) / 1000, 2);
  return [
    tenants,
    {
      tenants: n,
      worker_processes: stack.workers.length,
      provision_s: seconds(t0, t1),
      api_keys_s: seconds(t1, t2),
      users_s: seconds(t2, t3),
      total_s: seconds(t0, t3),
      tenants_per_s: round(n / ((t3 - t0) / 1000), 1),
    },
  ];
}

/** How a client of tenant-api names the tenant (by id) and proves it may use it. */
export function tenantHeaders(tenant: Pick<KeyedTenant, 'id' | 'key'>): Record<string, string> {
  return { 'x-tenant-id': tenant.id, authorization: `Bearer ${tenant.key}` };
}

/**
 * The login tenant-api uses for a tenant (its own role, the password sealed in master, opened with
 * the run's TENANT_SECRET_KEY), so the bare app runs the query as the same role.
 */
export async function tenantLoginUrl(id: BenchIdentity, tenantId: string): Promise<string> {
  const client = new Client({ connectionString: id.masterUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ db_name: string; db_password_encrypted: string }>(
      'SELECT db_name, db_password_encrypted FROM tenants WHERE id = $1',
      [tenantId],
    );
    const { db_name: database, db_password_encrypted: sealed } = rows[0]!;
    const cipher = new TenantSecretCipher({ tenants: { secretKey: Buffer.from(id.tenantSecretKey, 'hex') } } as Pick<
      AppConfig,
      'tenants'
    >);
    const url = new URL(withDatabase(id.databaseUrl, database));
    url.username = database; // a tenant's role is named like its database
    url.password = cipher.decrypt(sealed, tenantId);
    return url.toString();
  } finally {
    await client.end();
  }
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
async function mapLimit<T>(n: number, limit: number, work: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(n);
  let next = 0;
  const runner = async () => {
    for (let i = next++; i < n; i = next++) results[i] = await work(i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, n) }, runner));
  return results;
}

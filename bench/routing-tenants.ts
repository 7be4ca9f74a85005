import { JsonClient } from './json-client';
import { mapLimit, provisionReadyTenants, tenantLoginUrls } from './ready-tenants';
import type { BenchIdentity } from './resources';
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
const KEY_CONCURRENCY = 8;
const USER_CONCURRENCY = 8;

/** Makes n ready tenants, each with an API key and one user; times each phase. */
export async function prepareTenants(stack: Stack, tenantApi: JsonClient, n: number): Promise<[KeyedTenant[], Preparation]> {
  const t0 = performance.now();
  const created = await provisionReadyTenants(stack, n, 'bench route');
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

/** The login tenant-api uses for a tenant (its own role), so the bare app runs the query as the same role. */
export async function tenantLoginUrl(id: BenchIdentity, tenantId: string): Promise<string> {
  return (await tenantLoginUrls(id, [tenantId])).get(tenantId)!;
}

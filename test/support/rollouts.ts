import { http } from './http';
import { waitFor } from './wait-for';

export interface RolloutTotalsBody {
  total: number;
  pending: number;
  queued: number;
  running: number;
  migrated: number;
  skipped: number;
  failed: number;
  cancelled: number;
}

export interface RolloutTenantBody {
  tenantId: string;
  slug: string;
  position: number;
  state: string;
  applied: string[];
  durationMs: number | null;
  error: string | null;
}

export interface RolloutBody {
  id: string;
  kind: 'migrate' | 'rollback';
  state: string;
  targetFingerprint: string | null;
  options: Record<string, unknown>;
  error: string | null;
  totals: RolloutTotalsBody;
  reportUrl: string;
  tenants?: { items: RolloutTenantBody[]; nextCursor: number | null };
}

/** POST /fleet/migrations (or /fleet/rollbacks with `kind`), which must answer 202; returns the rollout. */
export async function startRollout(api: string, body: unknown = {}, kind: 'migrations' | 'rollbacks' = 'migrations') {
  const answer = await http<RolloutBody>(api, 'POST', `/fleet/${kind}`, { json: body });
  if (answer.status !== 202) throw new Error(`POST /fleet/${kind}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Polls the report until the rollout is no longer running. */
export function waitForRollout(api: string, rolloutId: string, timeoutMs = 60_000): Promise<RolloutBody> {
  return waitFor(
    `rollout ${rolloutId} to finish`,
    async () => {
      const { body } = await http<RolloutBody>(api, 'GET', `/fleet/migrations/${rolloutId}?limit=1`);
      return body.state === 'running' ? undefined : body;
    },
    timeoutMs,
  );
}

/** Every tenant of the report, page after page (`pageSize` at a time). */
export async function rolloutTenants(api: string, rolloutId: string, pageSize = 100): Promise<RolloutTenantBody[]> {
  const tenants: RolloutTenantBody[] = [];
  let after: number | null | undefined;
  do {
    const query = `limit=${pageSize}${after ? `&after=${after}` : ''}`;
    const { status, body } = await http<RolloutBody>(api, 'GET', `/fleet/migrations/${rolloutId}?${query}`);
    if (status !== 200) throw new Error(`GET report: ${status} ${JSON.stringify(body)}`);
    tenants.push(...body.tenants!.items);
    after = body.tenants!.nextCursor;
  } while (after);
  return tenants;
}

/** The sum of the per-state counts, which must equal `total`. */
export function sumOfStates(totals: RolloutTotalsBody): number {
  const { total: _total, ...states } = totals;
  return Object.values(states).reduce((sum, count) => sum + count, 0);
}

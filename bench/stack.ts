import { freePort } from '../test/support/processes/free-port';
import type { ServiceProcess } from '../test/support/processes/service-process';
import { sleep } from '../test/support/processes/wait';
import { JsonClient } from './json-client';
import { BenchIdentity, deleteRedisKeys, dropDatabases, dropRoles } from './resources';
import { closing, serviceEnv, startApi, startWorker } from './services';

const POOL_FILL_TIMEOUT_MS = 60_000;
/** What the brief allows when the worker does not report its pool. */
const POOL_UNREPORTED_WAIT_MS = 2000;

export interface StatusView {
  id: string;
  status: string;
  step: string | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  readyAt: string | null;
}

interface TenantPage {
  items: StatusView[];
  nextCursor: string | null;
}

/** GET /org's largest page. */
const MAX_PAGE = 100;

/** GET /fleet/migrations/:id: the rollout, totals that add up to its tenants, a page of them. */
export interface RolloutView {
  id: string;
  state: string;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  totals: Record<string, number>;
  tenants: {
    items: { state: string; applied: string[]; durationMs: number | null; error: string | null }[];
    nextCursor: number | null;
  };
}

export interface PoolState {
  size: number;
  target: number;
}

/** One api and some workers sharing this run's master database and queue. */
export class Stack {
  private readonly client: JsonClient;

  private constructor(
    readonly id: BenchIdentity,
    readonly api: ServiceProcess,
    readonly workers: ServiceProcess[],
  ) {
    this.client = new JsonClient(api.baseUrl, { authorization: this.authorization });
  }

  static async start(id: BenchIdentity, workers: number, extra: Record<string, string | undefined>): Promise<Stack> {
    const env = serviceEnv(id, extra);
    // Started together, as in production: the services serialise master migrations themselves.
    const starting = [
      freePort().then((port) => startApi(env, port)),
      ...Array.from({ length: workers }, (_, i) => freePort().then((port) => startWorker(env, port, `worker${i + 1}`))),
    ];
    const settled = await Promise.allSettled(starting);
    const started = settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
    const failure = settled.find((result) => result.status === 'rejected');
    if (failure) {
      await Promise.all(started.map((service) => service.stop()));
      throw failure.reason;
    }
    const [api, ...workerServices] = started;
    return new Stack(id, api!, workerServices);
  }

  async stop(): Promise<void> {
    this.client.close();
    await Promise.all([this.api, ...this.workers].map((service) => service.stop()));
  }

  /** Stops the processes and forgets everything they made, so the next stack starts clean. */
  async stopAndReset(): Promise<void> {
    await this.stop();
    if (closing()) return; // the run's own cleanup (after Ctrl-C) drops everything
    await dropDatabases(this.id);
    await dropRoles(this.id);
    await deleteRedisKeys(this.id);
  }

  get authorization(): string {
    return `Bearer ${this.id.adminApiKey}`;
  }

  /** POST /org/create; on the server named, else where placement puts it. */
  async create(name: string, server?: string): Promise<{ id: string; jobId?: string }> {
    const { status, body } = await this.client.request<{ id: string; jobId?: string }>('POST', '/org/create', {
      name,
      ...(server && { server }),
    });
    if (status !== 202) throw new Error(`POST /org/create answered ${status}: ${JSON.stringify(body)}`);
    return body;
  }

  /** A new API key for the tenant, through the admin api (shown this once). */
  async issueApiKey(tenantId: string): Promise<string> {
    const { status, body } = await this.client.request<{ key: string }>('POST', `/org/${tenantId}/api-keys`);
    if (status !== 201) throw new Error(`POST /org/${tenantId}/api-keys answered ${status}: ${JSON.stringify(body)}`);
    return body.key;
  }

  /** POST /fleet/migrations with no options: every ready tenant, all at once. */
  async startMigrationRollout(): Promise<RolloutView> {
    const { status, body } = await this.client.request<RolloutView>('POST', '/fleet/migrations', {});
    if (status !== 202) throw new Error(`POST /fleet/migrations answered ${status}: ${JSON.stringify(body)}`);
    return body;
  }

  /** The rollout's report with one page of its tenants (`limit` up to 1,000, after position `after`). */
  async rollout(rolloutId: string, limit: number, after?: number): Promise<RolloutView> {
    const query = `limit=${limit}${after === undefined ? '' : `&after=${after}`}`;
    const { status, body } = await this.client.request<RolloutView>('GET', `/fleet/migrations/${rolloutId}?${query}`);
    if (status !== 200) throw new Error(`GET /fleet/migrations/${rolloutId} answered ${status}: ${JSON.stringify(body)}`);
    return body;
  }

  async status(tenantId: string): Promise<StatusView> {
    const { status, body } = await this.client.request<StatusView>('GET', `/org/${tenantId}/status`);
    if (status !== 200) throw new Error(`GET /org/${tenantId}/status answered ${status}: ${JSON.stringify(body)}`);
    if (body.status === 'failed') throw new Error(`tenant ${tenantId} failed: ${body.error}`);
    return body;
  }

  /** The `count` most recently created tenants, newest first, read page by page from GET /org. */
  async newestTenants(count: number): Promise<StatusView[]> {
    const tenants: StatusView[] = [];
    let after: string | null = null;
    do {
      const query: string = `limit=${Math.min(count - tenants.length, MAX_PAGE)}${after ? `&after=${after}` : ''}`;
      const { status, body }: { status: number; body: TenantPage } = await this.client.request('GET', `/org?${query}`);
      if (status !== 200) throw new Error(`GET /org answered ${status}: ${JSON.stringify(body)}`);
      tenants.push(...body.items);
      after = body.nextCursor;
    } while (after && tenants.length < count);
    return tenants;
  }

  /** Each worker's `warm_pool` health detail; undefined when a worker does not report one. */
  async poolStates(): Promise<(PoolState | undefined)[]> {
    return Promise.all(
      this.workers.map(async (worker) => {
        const response = await fetch(`${worker.baseUrl}/health`);
        const body = (await response.json()) as Record<string, Record<string, unknown> | undefined>;
        const detail = (body.details ?? body.info ?? body.error)?.warm_pool as Partial<PoolState> | undefined;
        return typeof detail?.size === 'number' && typeof detail.target === 'number'
          ? { size: detail.size, target: detail.target }
          : undefined;
      }),
    );
  }

  /** Waits until every worker's pool is full; returns what they report (undefined: not reported). */
  async waitForFullPool(): Promise<PoolState | undefined> {
    const deadline = Date.now() + POOL_FILL_TIMEOUT_MS;
    for (;;) {
      const states = await this.poolStates();
      if (states.some((state) => state === undefined)) {
        await sleep(POOL_UNREPORTED_WAIT_MS);
        return undefined;
      }
      const reported = states as PoolState[];
      if (reported.every((state) => state.size >= state.target)) return reported[0];
      if (Date.now() > deadline) throw new Error(`warm pool not full after ${POOL_FILL_TIMEOUT_MS} ms: ${JSON.stringify(states)}`);
      await sleep(20);
    }
  }
}

import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { BuiltApp } from '../../support/processes/build-snapshot';
import { freePort } from '../../support/processes/free-port';
import { ServiceProcess } from '../../support/processes/service-process';
import { sleep } from '../../support/processes/wait';
import type { ChaosLab } from './chaos-lab';

/** Sent on every request, so the harness keeps working once the api requires it. */
const ADMIN_API_KEY = `chaos-${randomBytes(16).toString('hex')}`;
const TENANT_SECRET_KEY = randomBytes(32).toString('hex');

export interface WorldOptions {
  workers: number;
  /** Extra environment for every process of the scenario. */
  env?: Record<string, string>;
}

/** A tenant the api answered 202 for. */
export interface Accepted {
  id: string;
  name: string;
  dbName: string;
}

export interface Answer {
  status: number;
  body: any;
}

/**
 * One scenario's api and workers, with their own master database, tenant database prefix and
 * queue prefix on the lab's shared PostgreSQL and Redis.
 */
export class ScenarioWorld {
  readonly accepted: Accepted[] = [];
  /** Scenario-specific checks that failed. */
  readonly problems: string[] = [];
  /** What happened, for the report (e.g. how many tenants were in flight at a kill). */
  readonly notes: string[] = [];
  readonly masterDb: string;
  readonly tenantPrefix: string;
  readonly logDir: string;
  api!: ServiceProcess;
  workers: ServiceProcess[] = [];
  /** Started only by the scenarios that reach tenants through it. */
  tenantApi?: ServiceProcess;
  /** End of the scenario's time budget (epoch ms); no wait goes beyond it. */
  endsAt = Infinity;

  constructor(
    private readonly lab: ChaosLab,
    readonly key: string,
    private readonly options: WorldOptions,
  ) {
    this.masterDb = `${key}_master`;
    this.tenantPrefix = `${key}_tenant_`;
    this.logDir = path.join(lab.logDir, key);
  }

  get services(): ServiceProcess[] {
    return [...(this.api ? [this.api] : []), ...this.workers, ...(this.tenantApi ? [this.tenantApi] : [])];
  }

  async start(): Promise<void> {
    mkdirSync(this.logDir, { recursive: true });
    this.api = await this.service('api', 'api');
    for (let index = 0; index < this.options.workers; index++) this.workers.push(await this.service(`worker-${index}`, 'worker'));
    await this.api.start();
    await Promise.all(this.workers.map((worker) => worker.start()));
  }

  /** A built tenant-api on the scenario's master database and Redis. */
  async startTenantApi(): Promise<ServiceProcess> {
    this.tenantApi = await this.service('tenant-api', 'tenant-api');
    await this.tenantApi.start();
    return this.tenantApi;
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.services.map((service) => service.stop()));
  }

  /** POST /org/create; a 202 is remembered as accepted. */
  async create(name: string): Promise<Answer> {
    const response = await fetch(`${this.api.baseUrl}/org/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_API_KEY}` },
      body: JSON.stringify({ name }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // keep the raw text
    }
    const answer = { status: response.status, body: body as any };
    if (answer.status === 202) this.accepted.push({ id: answer.body.id, name, dbName: answer.body.dbName });
    return answer;
  }

  /** Any admin api request, with the key; the body parsed as JSON when it is. */
  async request(method: string, path: string, json?: unknown): Promise<Answer> {
    const response = await fetch(`${this.api.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN_API_KEY}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
      body: json === undefined ? undefined : JSON.stringify(json),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    try {
      return { status: response.status, body: JSON.parse(text) };
    } catch {
      return { status: response.status, body: text };
    }
  }

  /** Creates `count` organizations at once; each must be accepted. Returns their ids. */
  async submit(label: string, count: number): Promise<string[]> {
    const names = Array.from({ length: count }, (_, index) => `Chaos ${this.key} ${label} ${index}`);
    const answers = await Promise.all(names.map((name) => this.create(name)));
    const refused = answers.filter((answer) => answer.status !== 202);
    if (refused.length) {
      throw new Error(`${refused.length}/${count} creations refused, e.g. ${refused[0]!.status} ${JSON.stringify(refused[0]!.body)}`);
    }
    return answers.map((answer) => answer.body.id as string);
  }

  /** How many of `ids` are still pending or provisioning. */
  async unsettled(ids: string[] = this.acceptedIds()): Promise<number> {
    const [row] = await this.lab.pg.query<{ count: number }>(
      this.masterDb,
      "SELECT count(*)::int AS count FROM tenants WHERE id = ANY($1::uuid[]) AND status IN ('pending', 'provisioning')",
      [ids],
    );
    return row!.count;
  }

  /**
   * Waits until none of `ids` is pending or provisioning; false on timeout, at the end of the
   * scenario's budget, or as soon as no worker is left running to make progress.
   */
  async waitSettled(timeoutMs: number, ids: string[] = this.acceptedIds()): Promise<boolean> {
    const deadline = Math.min(Date.now() + timeoutMs, this.endsAt);
    for (;;) {
      if ((await this.unsettled(ids).catch(() => -1)) === 0) return true;
      if (Date.now() >= deadline || !this.workers.some((worker) => worker.running)) return false;
      await sleep(200);
    }
  }

  /** Every process must answer /health again by itself; records a problem for each that does not. */
  async expectHealthy(timeoutMs: number, after: string): Promise<void> {
    timeoutMs = Math.max(0, Math.min(timeoutMs, this.endsAt - Date.now()));
    const healthy = await Promise.all(this.services.map((service) => service.waitHealthy(timeoutMs)));
    this.services.forEach((service, index) => {
      // A process that died is reported once, as an unexpected exit.
      if (!healthy[index] && service.running) {
        this.problems.push(`${service.name} not healthy within ${timeoutMs} ms after ${after} (log: ${service.logFile})`);
      }
    });
  }

  acceptedIds(): string[] {
    return this.accepted.map((tenant) => tenant.id);
  }

  private async service(name: string, app: BuiltApp): Promise<ServiceProcess> {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: this.lab.pg.url(this.masterDb),
      REDIS_URL: this.lab.redis.url,
      // Every port points at this process's own, so nothing binds the defaults 3000-3002.
      PORT: String(port),
      WORKER_HEALTH_PORT: String(port),
      TENANT_API_PORT: String(port),
      WORKER_CONCURRENCY: '4',
      RECONCILE_INTERVAL_MS: '500',
      PROVISION_BACKOFF_MS: '200',
      TENANT_DB_PREFIX: this.tenantPrefix,
      QUEUE_PREFIX: `chaos-${this.key}`,
      ADMIN_API_KEY,
      TENANT_SECRET_KEY,
      CREATE_RATE_LIMIT: '0',
      ...this.options.env,
    };
    const logFile = path.join(this.logDir, `${name}.log`);
    return this.lab.services.add(
      new ServiceProcess({ name, args: [this.lab.build.script(app)], env, port, logFile, cwd: this.lab.root }),
    );
  }
}

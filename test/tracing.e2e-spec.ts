import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { http } from './support/http';
import { OtlpReceiver, ReceivedSpan } from './support/otlp-receiver';
import { freePort } from './support/processes/free-port';
import { ServiceProcess } from './support/processes/service-process';
import { waitForStatus } from './support/tenant-client';
import { TestStack } from './support/test-stack';

const REPO = path.resolve(__dirname, '..');
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const CALLER_SPAN_ID = 'b7ad6b7169203331';
const STEPS = ['provisioning.database', 'provisioning.migrations', 'provisioning.seeds', 'provisioning.ready'];

/**
 * The api and the worker as their own processes (from source, through ts-node), each with its own
 * SDK and service name, as deployed; SIGTERM makes each send its last spans before it exits.
 */
describe('tracing with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  const receiver = new OtlpReceiver();
  const stack = new TestStack();
  const logs = mkdtempSync(path.join(tmpdir(), 'tracing-'));
  let api: ServiceProcess;
  let worker: ServiceProcess;

  async function startFromSource(app: 'api' | 'worker', portVariable: string, endpoint: string): Promise<ServiceProcess> {
    const port = await freePort();
    const { master, redis, tenants } = stack.config;
    const service = new ServiceProcess({
      name: app,
      args: ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', `apps/${app}/src/main.ts`],
      cwd: REPO,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        DATABASE_URL: master.url,
        ...stack.redisEnvironment(),
        QUEUE_PREFIX: redis.prefix,
        TENANT_DB_PREFIX: tenants.databasePrefix,
        TENANT_SECRET_KEY: tenants.secretKey.toString('hex'),
        WARM_POOL_SIZE: '0',
        [portVariable]: String(port),
        OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      },
      port,
      logFile: path.join(logs, `${app}.log`),
      readyTimeoutMs: 60_000,
    });
    await service.start();
    return service;
  }

  beforeAll(async () => {
    const endpoint = await receiver.start();
    api = await startFromSource('api', 'PORT', endpoint);
    worker = await startFromSource('worker', 'WORKER_HEALTH_PORT', endpoint);
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), worker?.stop()]);
    await stack.teardown();
    await receiver.close();
    rmSync(logs, { recursive: true, force: true });
  });

  it('follows one POST /org/create through the queue to each step of the worker, in one trace', async () => {
    const created = await http(api.baseUrl, 'POST', '/org/create', {
      json: { name: 'Traced Corp' },
      headers: { traceparent: `00-${TRACE_ID}-${CALLER_SPAN_ID}-01` },
    });
    expect(created.status).toBe(202);
    await waitForStatus(api.baseUrl, created.body.id, ['ready']);
    await Promise.all([api.stop(), worker.stop()]);

    const trace = receiver.spans.filter((span) => span.traceId === TRACE_ID);
    const named = (name: string) => only(trace, name);

    const post = named('POST /org/create');
    expect(post).toMatchObject({ parentSpanId: CALLER_SPAN_ID, kind: SERVER, service: 'tenant-provisioning-api' });
    expect(post.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/org/create',
      'http.response.status_code': 202,
    });

    const send = named('send tenant-provisioning');
    expect(send).toMatchObject({ kind: PRODUCER, service: 'tenant-provisioning-api' });
    expect(ancestors(trace, send)).toContain(post.spanId);

    const job = named('process tenant-provisioning');
    expect(job).toMatchObject({ parentSpanId: send.spanId, kind: CONSUMER, service: 'tenant-provisioning-worker' });
    expect(job.attributes).toMatchObject({
      'messaging.system': 'bullmq',
      'tenancy.tenant_id': created.body.id,
      'tenancy.job.attempt': 1,
    });

    for (const step of STEPS) expect(named(step)).toMatchObject({ parentSpanId: job.spanId, service: 'tenant-provisioning-worker' });
    expect(named('provisioning.database').attributes['tenancy.database.origin']).toEqual(expect.any(String));

    expect(JSON.stringify(receiver.spans)).not.toMatch(/password/i);
    // Requests that carry no traceparent (the health probes) start traces of their own.
    const provisioned = readFileSync(worker.logFile, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; traceId?: string; spanId?: string })
      .find((line) => line.msg === 'tenant provisioned');
    expect(provisioned).toMatchObject({ traceId: TRACE_ID, spanId: job.spanId });

    const probe = receiver.spans.find((span) => span.name === 'GET /health/live');
    expect(probe?.parentSpanId ?? '').toBe('');
  });
});

const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

function only(spans: ReceivedSpan[], name: string): ReceivedSpan {
  const matching = spans.filter((span) => span.name === name);
  expect(matching.map((span) => span.name)).toEqual([name]);
  return matching[0]!;
}

function ancestors(spans: ReceivedSpan[], span: ReceivedSpan): string[] {
  const parent = spans.find((candidate) => candidate.spanId === span.parentSpanId);
  return parent ? [parent.spanId, ...ancestors(spans, parent)] : [];
}

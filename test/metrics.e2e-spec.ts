import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { http } from './support/http';
import { parsePrometheusText, PrometheusSample, sampleValue } from './support/prometheus-text';
import { useRunningStack } from './support/running-stack';
import { waitFor } from './support/wait-for';

/**
 * /metrics of the api, the worker and tenant-api, scraped as Prometheus would once a tenant has
 * been provisioned (from a warm spare) and used, and the Grafana dashboard checked against them.
 */

const ADMIN_API_KEY = 'test-admin-key-0123456789';
const admin = { authorization: `Bearer ${ADMIN_API_KEY}` };
const DASHBOARD = path.resolve(__dirname, '../deploy/grafana/tenant-provisioning.json');
const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';
const APPS = ['api', 'worker', 'tenantApi'] as const;
type App = (typeof APPS)[number];

/** Every metric name an expression selects: what is left once groupings, matchers, ranges and function calls are taken out. */
function metricNames(expr: string): string[] {
  const selectors = expr
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  return [...selectors.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(?!\s*\(|[a-zA-Z0-9_:])/g)].map((match) => match[1]!);
}

interface DashboardPanel {
  title: string;
  targets?: { expr: string }[];
  panels?: DashboardPanel[];
}

describe('Prometheus metrics', () => {
  const world = useRunningStack({ ADMIN_API_KEY, WARM_POOL_SIZE: '1' }, 0);
  const urls = {} as Record<App, string>;
  const texts = {} as Record<App, string>;
  const samples = {} as Record<App, PrometheusSample[]>;
  const tenant = { id: '', name: `Metrics Probe ${Date.now()}`, slug: '', dbName: '' };

  const baseUrlOf = (app: INestApplication) => `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

  beforeAll(async () => {
    urls.api = world.api;
    urls.worker = baseUrlOf(await world.stack.startWorker());
    urls.tenantApi = await world.stack.startTenantApi();
    // A full pool first, so the tenant's database is a warm spare: origin="pool".
    await waitFor('a full warm pool', async () => {
      const level = (await http(urls.worker, 'GET', '/health')).body.details?.warm_pool;
      return level?.size === 1 ? level : undefined;
    });

    const created = await http(urls.api, 'POST', '/org/create', { json: { name: tenant.name }, headers: admin });
    expect(created.status).toBe(202);
    tenant.id = created.body.id;
    tenant.dbName = created.body.dbName;
    await waitFor('the tenant to be ready', async () => {
      const { body } = await http(urls.api, 'GET', `/org/${tenant.id}/status`, { headers: admin });
      return body.status === 'ready' ? body : undefined;
    });
    tenant.slug = (await http(urls.api, 'GET', `/org/${tenant.id}`, { headers: admin })).body.slug;
    const { body: issued } = await http(urls.api, 'POST', `/org/${tenant.id}/api-keys`, { headers: admin });
    const asTenant = { authorization: `Bearer ${issued.key}` };
    expect((await http(urls.tenantApi, 'GET', '/users', { headers: { ...asTenant, 'x-tenant-id': tenant.slug } })).status).toBe(200);
    expect((await http(urls.tenantApi, 'GET', `/t/${tenant.slug}/users`, { headers: asTenant })).status).toBe(200);
    // URLs no route matches, carrying the tenant's id and slug: neither may become a label.
    expect((await http(urls.api, 'GET', `/nowhere/${tenant.id}`, { headers: admin })).status).toBe(404);
    expect((await http(urls.tenantApi, 'GET', `/nowhere/${tenant.slug}`)).status).toBe(404);

    for (const app of APPS) {
      const answer = await http<string>(urls[app], 'GET', '/metrics', { headers: admin });
      expect({ app, status: answer.status, type: answer.headers.get('content-type') }).toEqual({
        app,
        status: 200,
        type: PROMETHEUS_TEXT,
      });
      texts[app] = answer.body;
      samples[app] = parsePrometheusText(answer.body);
    }
  });

  it.each(APPS)('%s: refuses /metrics without the admin key, or with another', async (app) => {
    const refused: Record<string, string>[] = [{}, { authorization: 'Bearer not-the-admin-key' }];
    for (const headers of refused) {
      const answer = await http(urls[app], 'GET', '/metrics', { headers });
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
    }
  });

  it.each(APPS)('%s: process metrics and request durations by route pattern', (app) => {
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds']) {
      expect({ app, name, value: sampleValue(samples[app], name) }).toEqual({ app, name, value: expect.any(Number) });
    }
    const routes = new Set(
      samples[app].filter((sample) => sample.name === 'http_request_duration_seconds_count').map((s) => s.labels.route),
    );
    expect([...routes].every((route) => route === 'unmatched' || route!.startsWith('/'))).toBe(true);
  });

  it('api: the status route by its pattern, tenants by status, every queue by state, rollout progress', () => {
    const status = { method: 'GET', route: '/org/:id/status', status_code: '200' };
    expect(sampleValue(samples.api, 'http_request_duration_seconds_count', status)).toBeGreaterThanOrEqual(1);
    expect(sampleValue(samples.api, 'http_request_duration_seconds_count', { route: 'unmatched', status_code: '404' })).toBe(1);
    expect(sampleValue(samples.api, 'tenancy_tenants', { status: 'ready' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(samples.api, 'tenancy_tenants', { status: 'failed' })).toBe(0);
    for (const queue of ['tenant-provisioning', 'tenant-lifecycle', 'tenant-fleet-default']) {
      for (const state of ['waiting', 'active', 'delayed', 'failed', 'completed']) {
        expect({ queue, state, jobs: sampleValue(samples.api, 'tenancy_queue_jobs', { queue, state }) }).toEqual({
          queue,
          state,
          jobs: expect.any(Number),
        });
      }
    }
    expect(
      sampleValue(samples.api, 'tenancy_queue_jobs', { queue: 'tenant-provisioning', state: 'completed' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sampleValue(samples.api, 'tenancy_rollout_tenants', { state: 'running' })).toBe(0);
  });

  it('worker: provisioning durations by database origin and by step, the warm pool per server', () => {
    expect(sampleValue(samples.worker, 'tenancy_provisioning_duration_seconds_count', { origin: 'pool' })).toBe(1);
    for (const step of ['database', 'migrations', 'seeds']) {
      expect(sampleValue(samples.worker, 'tenancy_provisioning_step_duration_seconds_count', { step, origin: 'pool' })).toBe(1);
    }
    expect(sampleValue(samples.worker, 'tenancy_warm_pool_target', { server: 'default' })).toBe(1);
    expect(sampleValue(samples.worker, 'tenancy_warm_pool_spares', { server: 'default' })).toEqual(expect.any(Number));
    expect(
      sampleValue(samples.worker, 'http_request_duration_seconds_count', { route: '/health', status_code: '200' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('tenant-api: its tenant pools, and /t/<tenant>/users counted under /users', () => {
    expect(sampleValue(samples.tenantApi, 'tenancy_tenant_pools_open')).toBe(1);
    expect(sampleValue(samples.tenantApi, 'tenancy_tenant_connections_in_use')).toBe(0);
    for (const name of ['tenancy_tenant_connection_waits_total', 'tenancy_tenant_pool_evictions_total']) {
      expect(sampleValue(samples.tenantApi, name)).toBe(0);
    }
    const users = { method: 'GET', route: '/users', status_code: '200' };
    expect(sampleValue(samples.tenantApi, 'http_request_duration_seconds_count', users)).toBe(2);
    expect(sampleValue(samples.tenantApi, 'http_request_duration_seconds_count', { route: 'unmatched' })).toBe(1);
  });

  it.each(APPS)('%s: names no tenant anywhere', (app) => {
    for (const trace of [tenant.id, tenant.name, tenant.slug, tenant.dbName]) expect(texts[app]).not.toContain(trace);
  });

  it('serves /metrics without a key when no admin key is set, as /org is', async () => {
    const open = await world.stack.startTenantApi({ ADMIN_API_KEY: '' });
    const answer = await http(open, 'GET', '/metrics');
    expect(answer.status).toBe(200);
  });

  it('the Grafana dashboard queries only metrics the apps serve', () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: DashboardPanel[] };
    const served = new Set(APPS.flatMap((app) => samples[app].map((sample) => sample.name)));
    const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
    const queries = panels.flatMap((panel) => (panel.targets ?? []).map(({ expr }) => ({ panel: panel.title, expr })));
    expect(queries.length).toBeGreaterThan(10);
    for (const { panel, expr } of queries) {
      const names = metricNames(expr);
      expect({ panel, expr, names: names.length > 0 }).toEqual({ panel, expr, names: true });
      for (const name of names) expect({ panel, name, served: served.has(name) }).toEqual({ panel, name, served: true });
    }
  });
});

import { request as httpRequest } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SignJWT } from 'jose';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CliBuild } from './support/cli-process';
import { http } from './support/http';
import { freePort } from './support/processes/free-port';
import { ServiceProcess } from './support/processes/service-process';
import { bearer, issueApiKey, readyTenantsWithKeys, RoutedTestTenant } from './support/routed-tenants';
import { startTenantProbe } from './support/tenant-probe-app';
import { TestStack } from './support/test-stack';
import { waitFor } from './support/wait-for';

const JWT_SECRET = 'a-test-secret-of-at-least-thirty-two-characters';
const BASE_DOMAIN = 'tenants.test';

/** Signs a tenant JWT the way a product's identity provider would. */
function tenantJwt(claims: Record<string, unknown>, expiresIn = '5m'): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(Buffer.from(JWT_SECRET));
}

/** fetch cannot set Host; the subdomain resolver reads it. */
function getWithHost(url: string, host: string, headers: Record<string, string>): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers: { ...headers, host } }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(text) }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('tenant routing: which tenant a request is for, who may ask, and as whom it runs', () => {
  const stack = new TestStack({ TENANT_JWT_SECRET: JWT_SECRET, TENANT_BASE_DOMAIN: BASE_DOMAIN, TENANT_LOOKUP_CACHE_MS: '60000' });
  let api: string;
  let probe: string;
  let first: { app: NestFastifyApplication; url: string };
  /** tenant-api as another OS process: its own caches, its own Redis subscription. */
  let second: ServiceProcess;
  const build = new CliBuild();
  const logs = mkdtempSync(path.join(tmpdir(), 'tenant-routing-'));
  let acme: RoutedTestTenant;
  let globex: RoutedTestTenant;

  beforeAll(async () => {
    api = await stack.startApi();
    await stack.startWorker();
    [acme, globex] = (await readyTenantsWithKeys(api, ['Acme Routing', 'Globex Routing'])) as [RoutedTestTenant, RoutedTestTenant];
    first = await startTenantProbe(stack.config);
    probe = first.url;
    const port = await freePort();
    const settings = { TENANT_LOOKUP_CACHE_MS: '60000', TENANT_JWT_SECRET: JWT_SECRET, TENANT_API_PORT: String(port) };
    const { args, env } = build.appProcess(stack, 'tenant-api', settings);
    second = new ServiceProcess({
      name: 'tenant-api',
      args,
      env,
      port,
      cwd: path.resolve(__dirname, '..'),
      logFile: path.join(logs, 'tenant-api.log'),
      readyPaths: ['/health/live'],
    });
    await second.start();
  }, 90_000);

  afterAll(async () => {
    await Promise.all([first.app.close(), second.stop()]);
    await stack.teardown();
    build.remove();
    rmSync(logs, { recursive: true, force: true });
  });

  const get = (path: string, headers: Record<string, string> = {}, base = probe) => http(base, 'GET', path, { headers });

  describe('each resolver finds the tenant, and the request runs as its own role in its own database', () => {
    it('X-Tenant-ID, by slug and by id', async () => {
      for (const reference of [acme.slug, acme.id]) {
        const answer = await get('/whoami', bearer(acme.key, { 'x-tenant-id': reference }));
        expect(answer.status).toBe(200);
        expect(answer.body).toEqual({ tenant: { id: acme.id, slug: acme.slug }, role: acme.dbName, database: acme.dbName });
      }
    });

    it('the /t/<tenant>/ path prefix', async () => {
      const answer = await get(`/t/${globex.slug}/whoami`, bearer(globex.key));
      expect(answer.status).toBe(200);
      expect(answer.body.database).toBe(globex.dbName);
    });

    it('the subdomain, with - standing for _', async () => {
      const host = `${acme.slug.replace(/_/g, '-')}.${BASE_DOMAIN}:8080`;
      const answer = await getWithHost(`${probe}/whoami`, host, bearer(acme.key));
      expect(answer).toMatchObject({ status: 200, body: { database: acme.dbName } });
    });

    it("the JWT's tenant claim, and the API key alone when nothing else names a tenant", async () => {
      const jwt = await tenantJwt({ tenant: globex.slug, sub: 'user-1' });
      expect((await get('/whoami', bearer(jwt))).body.database).toBe(globex.dbName);
      expect((await get('/whoami', bearer(acme.key))).body.database).toBe(acme.dbName);
    });
  });

  describe('errors', () => {
    it('401 without credentials, with an unknown key, a bad or expired JWT', async () => {
      const expired = await tenantJwt({ tenant: acme.slug }, '-1m');
      const forged = await new SignJWT({ tenant: acme.slug })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(Buffer.from('another-secret-of-at-least-thirty-two-chars'));
      const cases: [Record<string, string>, string][] = [
        [{ 'x-tenant-id': acme.slug }, 'send Authorization'],
        [bearer(`tk_${'a'.repeat(12)}_${'b'.repeat(43)}`), 'API key is not valid'],
        [bearer(expired), 'JWT is not valid'],
        [bearer(forged), 'JWT is not valid'],
        [bearer(await tenantJwt({ sub: 'no-tenant' })), 'no `tenant` claim'],
      ];
      for (const [headers, message] of cases) {
        const answer = await get('/whoami', headers);
        expect(answer.status).toBe(401);
        expect(answer.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: expect.stringContaining(message) });
        expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      }
    });

    it("403 for tenant A's key or token on tenant B, and for sources that disagree", async () => {
      const acmeJwt = await tenantJwt({ tenant: acme.slug });
      const cases: [string, Record<string, string>, string][] = [
        ['/whoami', bearer(acme.key, { 'x-tenant-id': globex.slug }), `API key is not for tenant ${globex.slug}`],
        [`/t/${globex.slug}/whoami`, bearer(acme.key), `API key is not for tenant ${globex.slug}`],
        [
          '/whoami',
          bearer(acmeJwt, { 'x-tenant-id': globex.slug }),
          `names tenant ${globex.slug} but the JWT's tenant claim names ${acme.slug}`,
        ],
        [`/t/${acme.slug}/whoami`, bearer(acme.key, { 'x-tenant-id': globex.slug }), 'X-Tenant-ID header names tenant'],
      ];
      for (const [path, headers, message] of cases) {
        const answer = await get(path, headers);
        expect(answer).toMatchObject({ status: 403, body: { statusCode: 403, message: expect.stringContaining(message) } });
      }
    });

    it('404 for an unknown tenant, 400 for a reference that cannot name one', async () => {
      const unknown = await get('/whoami', bearer(acme.key, { 'x-tenant-id': 'no_such_tenant' }));
      expect(unknown).toMatchObject({ status: 404, body: { message: 'no tenant no_such_tenant (named by the X-Tenant-ID header)' } });
      const bad = await get('/whoami', bearer(acme.key, { 'x-tenant-id': "acme'--" }));
      expect(bad).toMatchObject({ status: 400, body: { statusCode: 400, error: 'Bad Request' } });
    });

    it('503 with Retry-After while pending or provisioning, 503 when failed', async () => {
      for (const status of ['pending', 'provisioning', 'failed']) {
        const [row] = await stack.query<{ id: string }>(
          `INSERT INTO tenants (name, slug, db_name, status) VALUES ($1, $2, $3, $4) RETURNING id`,
          [`Routing ${status}`, `routing_${status}`, `${stack.id}_routing_${status}`, status],
        );
        const key = await issueApiKey(api, row!.id);
        const answer = await get('/whoami', bearer(key));
        expect(answer.status).toBe(503);
        expect(answer.body.message).toContain(`status ${status}`);
        expect(answer.headers.get('retry-after')).toBe(status === 'failed' ? null : '2');
      }
    });

    it('a route of no tenant has no tenant database: TenantDb throws there instead of falling back', async () => {
      expect((await get('/outside')).body).toEqual({ threw: true, error: 'NoTenantContextError' });
    });
  });

  it('a revoked key stops working in every process at once (here and in a tenant-api process), long before the lookup cache expires', async () => {
    const key = await issueApiKey(api, acme.id);
    const answers = async () => [
      (await get('/whoami', bearer(key))).status,
      (await get('/users', bearer(key), second.baseUrl)).status,
    ];
    expect(await answers()).toEqual([200, 200]);
    const keys = await http<{ items: { id: string; prefix: string }[] }>(api, 'GET', `/org/${acme.id}/api-keys`);
    const keyId = keys.body.items.find((item) => key.startsWith(`tk_${item.prefix}_`))!.id;
    const revokedAt = Date.now();
    expect((await http(api, 'DELETE', `/org/${acme.id}/api-keys/${keyId}`)).status).toBe(204);
    await waitFor(
      'the revocation to reach both tenant apps',
      async () => ((await answers()).join() === '401,401' ? true : undefined),
      5000,
    );
    expect(Date.now() - revokedAt).toBeLessThan(5000);
  });

  it('after a credential rotation, requests reconnect with the new password', async () => {
    expect((await get('/whoami', bearer(globex.key))).status).toBe(200);
    expect((await http(api, 'POST', `/org/${globex.id}/credentials/rotate`)).status).toBe(200);
    const [row] = await stack.query<{ count: string }>(
      `SELECT count(*) FROM pg_stat_activity WHERE usename = $1 AND application_name = 'tenant-routing'`,
      [globex.dbName],
      'postgres',
    );
    expect(Number(row!.count)).toBeLessThanOrEqual(1);
    for (let i = 0; i < 3; i++) expect((await get('/whoami', bearer(globex.key))).status).toBe(200);
  });

  it('verifies RS256 tokens against TENANT_JWT_PUBLIC_KEY, and refuses an HS256 token signed with that public key', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const config = { ...stack.config, tenantRouting: { ...stack.config.tenantRouting, jwt: { secret: undefined, publicKey: pem } } };
    const rsProbe = await startTenantProbe(config);
    try {
      const rs256 = await new SignJWT({ tenant: acme.id })
        .setProtectedHeader({ alg: 'RS256' })
        .setExpirationTime('5m')
        .sign(privateKey);
      expect((await get('/whoami', bearer(rs256), rsProbe.url)).body.database).toBe(acme.dbName);
      const confused = await new SignJWT({ tenant: acme.id }).setProtectedHeader({ alg: 'HS256' }).sign(Buffer.from(pem));
      expect((await get('/whoami', bearer(confused), rsProbe.url)).status).toBe(401);
    } finally {
      await rsProbe.app.close();
    }
  });
});

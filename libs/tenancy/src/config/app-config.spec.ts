import * as path from 'node:path';
import { InvalidConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('has working defaults for a local machine', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      master: { url: 'postgres://postgres@127.0.0.1:5432/master' },
      tenantServer: { maintenanceUrl: 'postgres://postgres@127.0.0.1:5432/postgres' },
      redis: { topology: { mode: 'server', url: 'redis://127.0.0.1:6379' }, prefix: 'bull', queuePrefix: 'bull' },
      api: { port: 3000 },
      worker: { healthPort: 3001 },
      provisioning: { attempts: 5 },
      tenants: { databasePrefix: 'tenant_', templateEnabled: true, usingDevelopmentSecretKey: true },
    });
    expect(config.tenants.migrationsDir).toMatch(/migrations\/tenant$/);
  });

  it('puts tenant databases on TENANT_DATABASE_URL when given, reaching its maintenance database', () => {
    const config = loadConfig({ TENANT_DATABASE_URL: 'postgres://admin:pw@tenants.internal:6432/anything' });
    expect(config.tenantServer.maintenanceUrl).toBe('postgres://admin:pw@tenants.internal:6432/postgres');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '' }).api.port).toBe(3000);
  });

  it('coerces numbers', () => {
    expect(loadConfig({ PORT: '8080', WORKER_CONCURRENCY: '8' })).toMatchObject({
      api: { port: 8080 },
      provisioning: { workerConcurrency: 8 },
    });
  });

  it('names every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({
        DATABASE_URL: 'mysql://localhost/master',
        REDIS_URL: 'not a url',
        PORT: 'eighty',
        WORKER_CONCURRENCY: '0',
        TENANT_DB_PREFIX: 'Bad-Prefix',
        LOG_LEVEL: 'loud',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidConfigError);
    const problems = (error as InvalidConfigError).problems.join('\n');
    for (const variable of ['DATABASE_URL', 'REDIS_URL', 'PORT', 'WORKER_CONCURRENCY', 'TENANT_DB_PREFIX', 'LOG_LEVEL']) {
      expect(problems).toContain(variable);
    }
  });

  it('requires the master database to be named', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://127.0.0.1:5432' })).toThrow(/DATABASE_URL: must name/);
  });

  it('requires TENANT_DB_PREFIX to end with _, so internal names (prefix + _) never meet a tenant slug', () => {
    expect(() => loadConfig({ TENANT_DB_PREFIX: 'template' })).toThrow(/TENANT_DB_PREFIX: .*end with _/);
    expect(loadConfig({ TENANT_DB_PREFIX: 'acme_t_' }).tenants.databasePrefix).toBe('acme_t_');
  });

  it("reserves PostgreSQL's databases, the master database and the service's own users", () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://registry@db:5432/tenant_registry',
      TENANT_DATABASE_URL: 'postgres://tenant_admin@db:5432/postgres',
    });
    expect(config.tenants.reservedDatabaseNames).toEqual(
      expect.arrayContaining(['postgres', 'template0', 'template1', 'tenant_registry', 'registry', 'tenant_admin']),
    );
  });

  it('reads TRUST_PROXY as Fastify takes it', () => {
    expect(loadConfig({}).http.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).http.trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).http.trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8,127.0.0.1' }).http.trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1']);
    expect(() => loadConfig({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
  });

  it('derives the values the services use from the text of the variables', () => {
    const config = loadConfig({ TENANT_TEMPLATE: 'off', TENANT_SECRET_KEY: 'ab'.repeat(32), TENANT_MIGRATIONS_DIR: 'db/tenant' });
    expect(config.tenants).toMatchObject({
      templateEnabled: false,
      secretKey: Buffer.from('ab'.repeat(32), 'hex'),
      usingDevelopmentSecretKey: false,
      migrationsDir: path.resolve('db/tenant'),
    });
  });

  describe('in production', () => {
    const goodAdminKey = 'Qm9vdHN0cmFwIHRoaXMgd2l0aCBvcGVuc3NsIHJhbmQ';
    const goodSecret = '3f6c1a9e0b7d4c2f8e5a1b3c9d7e6f0a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e';
    const production = (overrides: Record<string, string>) =>
      loadConfig({ NODE_ENV: 'production', ADMIN_API_KEY: goodAdminKey, TENANT_SECRET_KEY: goodSecret, ...overrides });

    it('starts with random keys', () => {
      expect(production({}).env).toBe('production');
    });

    it.each([
      ['TENANT_SECRET_KEY', '0'.repeat(64), /short pattern repeated/],
      ['TENANT_SECRET_KEY', 'ab'.repeat(32), /short pattern repeated/],
      ['ADMIN_API_KEY', 'local-trial-admin-key', /example published with this project/],
      ['ADMIN_API_KEY', 'x'.repeat(40), /short pattern repeated/],
      ['ADMIN_API_KEY', 'a-key-of-twenty-chars', /at least 32 characters/],
      ['ADMIN_API_KEY', '', /is required/],
    ])('refuses %s=%j', (variable, value, reason) => {
      expect(() => production({ [variable]: value })).toThrow(new RegExp(`${variable}: .*`));
      expect(() => production({ [variable]: value })).toThrow(reason);
    });
  });
});

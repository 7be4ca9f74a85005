import { InvalidConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('has working defaults for a local machine', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      env: 'development',
      masterDatabaseUrl: 'postgres://postgres@127.0.0.1:5432/master',
      tenantServerUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
      redisUrl: 'redis://127.0.0.1:6379',
      apiPort: 3000,
      workerHealthPort: 3001,
      provisionAttempts: 5,
      tenantDbPrefix: 'tenant_',
    });
    expect(config.tenantMigrationsDir).toMatch(/migrations\/tenant$/);
  });

  it('puts tenant databases on TENANT_DATABASE_URL when given, reaching its maintenance database', () => {
    const config = loadConfig({ TENANT_DATABASE_URL: 'postgres://admin:pw@tenants.internal:6432/anything' });
    expect(config.tenantServerUrl).toBe('postgres://admin:pw@tenants.internal:6432/postgres');
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '' }).apiPort).toBe(3000);
  });

  it('coerces numbers', () => {
    expect(loadConfig({ PORT: '8080', WORKER_CONCURRENCY: '8' })).toMatchObject({ apiPort: 8080, workerConcurrency: 8 });
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
});

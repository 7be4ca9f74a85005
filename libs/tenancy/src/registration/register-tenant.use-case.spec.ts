import { Test } from '@nestjs/testing';
import { loadConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { TenantError } from '../errors/tenant-error';
import type { Tenant } from '../registry/tenant';
import { IdempotencyRecord, TenantRepository } from '../registry/tenant.repository';
import { RegisterTenant } from './register-tenant.use-case';
import { TenantEnqueuer } from './tenant-enqueuer';

/** A jest.fn() for each method of a class the use case depends on (Immich's automock). */
function automock(token: unknown): Record<string, jest.Mock> {
  if (typeof token !== 'function') throw new Error(`no automock for ${String(token)}`);
  const methods = Object.getOwnPropertyNames(token.prototype as object).filter((name) => name !== 'constructor');
  return Object.fromEntries(methods.map((name) => [name, jest.fn()]));
}

const tenant = (id: string, status: Tenant['status'] = 'pending') => ({ id, status }) as Tenant;

describe('RegisterTenant', () => {
  /** The master database's idempotency_keys table, as far as these branches see it. */
  let keys: Map<string, IdempotencyRecord & { tenantId: string }>;

  // The configuration is built from variables, as in production, so its inner shape is not this test's business.
  async function setUp(environment: Record<string, string> = {}) {
    const module = await Test.createTestingModule({
      providers: [RegisterTenant, { provide: APP_CONFIG, useValue: loadConfig(environment) }],
    })
      .useMocker(automock)
      .compile();
    const tenants = jest.mocked(module.get(TenantRepository));
    const enqueuer = jest.mocked(module.get(TenantEnqueuer));
    tenants.findByIdempotencyKey.mockImplementation(async (key) => keys.get(key));
    tenants.getById.mockImplementation(async (id) => tenant(id));
    tenants.create.mockImplementation(async (_row, _chooseServer, idempotency) => {
      const created = { ...tenant('new-tenant'), server: 'default' };
      if (idempotency) keys.set(idempotency.key, { ...idempotency, tenantId: created.id });
      return created;
    });
    enqueuer.enqueueNew.mockImplementation(async ({ id }) => `provision-${id}`);
    enqueuer.ensureQueuedIfPending.mockImplementation(async (queued) => ({ tenant: queued, jobId: `provision-${queued.id}` }));
    return { register: module.get(RegisterTenant), tenants, enqueuer };
  }

  beforeEach(() => {
    keys = new Map();
  });

  it('records a new tenant and queues it', async () => {
    const { register, tenants } = await setUp({ TENANT_DB_PREFIX: 'tenant_' });
    await expect(register.execute({ name: '  Acme Corp ' })).resolves.toEqual({
      tenant: { ...tenant('new-tenant'), server: 'default' },
      jobId: 'provision-new-tenant',
    });
    expect(tenants.create).toHaveBeenCalledWith(
      { name: 'Acme Corp', slug: 'acme_corp', dbName: 'tenant_acme_corp' },
      undefined,
      undefined,
    );
  });

  it('queues a tenant no server has room for, and says so with a no_server_capacity error', async () => {
    const { register, tenants, enqueuer } = await setUp();
    tenants.create.mockResolvedValueOnce({ ...tenant('unplaced'), server: null });
    await expect(register.execute({ name: 'Acme' })).rejects.toMatchObject({
      code: 'no_server_capacity',
      details: { tenantId: 'unplaced' },
    });
    expect(enqueuer.enqueueNew).toHaveBeenCalledWith(expect.objectContaining({ id: 'unplaced' }));
  });

  it('answers a repeated Idempotency-Key with the first tenant, queued again if still pending, without creating another', async () => {
    const { register, tenants, enqueuer } = await setUp();
    await register.execute({ name: 'Acme', idempotencyKey: 'key-1' });
    tenants.create.mockClear();

    await expect(register.execute({ name: 'Acme', idempotencyKey: 'key-1' })).resolves.toEqual({
      tenant: tenant('new-tenant'),
      jobId: 'provision-new-tenant',
      replayed: true,
    });
    expect(tenants.create).not.toHaveBeenCalled();
    expect(enqueuer.ensureQueuedIfPending).toHaveBeenCalledWith(tenant('new-tenant'));
  });

  it('answers with the earlier tenant when a concurrent request with the same key won the race to create it', async () => {
    const { register, tenants, enqueuer } = await setUp();
    // The other request commits its tenant and key between our look-up and our insert.
    tenants.create.mockImplementationOnce(async (_row, _chooseServer, idempotency) => {
      keys.set(idempotency!.key, { ...idempotency!, tenantId: 'earlier' });
      throw TenantError.slugTaken('acme', 'earlier');
    });

    await expect(register.execute({ name: 'Acme', idempotencyKey: 'key-1' })).resolves.toEqual({
      tenant: tenant('earlier'),
      jobId: 'provision-earlier',
      replayed: true,
    });
    expect(tenants.findByIdempotencyKey).toHaveBeenCalledTimes(2);
    expect(enqueuer.enqueueNew).not.toHaveBeenCalled();
  });

  it('refuses the key as reused when a concurrent request with it won the race for another name', async () => {
    const { register, tenants } = await setUp();
    tenants.create.mockImplementationOnce(async (_row, _chooseServer, idempotency) => {
      keys.set(idempotency!.key, { ...idempotency!, requestHash: 'hash of another request', tenantId: 'earlier' });
      throw TenantError.slugTaken('acme', 'earlier');
    });
    await expect(register.execute({ name: 'Acme', idempotencyKey: 'key-1' })).rejects.toMatchObject({
      code: 'idempotency_key_reused',
    });
  });

  it('refuses an Idempotency-Key reused with another name', async () => {
    const { register, tenants } = await setUp();
    await register.execute({ name: 'Acme', idempotencyKey: 'key-1' });
    tenants.create.mockClear();

    const reused = register.execute({ name: 'Globex', idempotencyKey: 'key-1' });
    await expect(reused).rejects.toBeInstanceOf(TenantError);
    await expect(reused).rejects.toMatchObject({ code: 'idempotency_key_reused' });
    expect(tenants.create).not.toHaveBeenCalled();
  });

  it('refuses an Idempotency-Key reused for another server, or without the server it named', async () => {
    const { register, tenants } = await setUp();
    await register.execute({ name: 'Acme', server: 'eu-1', idempotencyKey: 'key-1' });
    await expect(register.execute({ name: 'Acme', server: 'eu-1', idempotencyKey: 'key-1' })).resolves.toMatchObject({
      replayed: true,
    });
    tenants.create.mockClear();

    for (const server of ['eu-2', undefined]) {
      await expect(register.execute({ name: 'Acme', server, idempotencyKey: 'key-1' })).rejects.toMatchObject({
        code: 'idempotency_key_reused',
      });
    }
    expect(tenants.create).not.toHaveBeenCalled();
  });

  it('treats names that map to the same tenant as the same request', async () => {
    const { register } = await setUp();
    await register.execute({ name: 'Acme Corp', idempotencyKey: 'key-1' });
    await expect(register.execute({ name: 'acme  corp!', idempotencyKey: 'key-1' })).resolves.toMatchObject({ replayed: true });
  });

  it('rejects a name that maps to a reserved database name before touching the registry', async () => {
    const { register, tenants } = await setUp({
      DATABASE_URL: 'postgres://tenancy@127.0.0.1:5432/tenant_registry',
      TENANT_DB_PREFIX: 'tenant_',
    });
    await expect(register.execute({ name: 'Registry', idempotencyKey: 'key-1' })).rejects.toMatchObject({
      code: 'name_rejected',
      message: expect.stringContaining('"tenant_registry"'),
    });
    expect(tenants.findByIdempotencyKey).not.toHaveBeenCalled();
    expect(tenants.create).not.toHaveBeenCalled();
  });

  it('rejects an empty name as name_rejected', async () => {
    const { register } = await setUp();
    await expect(register.execute({ name: '   ' })).rejects.toMatchObject({ code: 'name_rejected' });
  });

  it('names the database with the prefix and random hex under opaque naming', async () => {
    const { register, tenants } = await setUp({ TENANT_DB_NAMING: 'opaque', TENANT_DB_PREFIX: 'acme_' });
    await register.execute({ name: 'Secret Customer' });
    await register.execute({ name: 'Other Customer' });

    const [first, second] = tenants.create.mock.calls.map(([row]) => row);
    expect(first).toMatchObject({ name: 'Secret Customer', slug: 'secret_customer' });
    expect(first!.dbName).toMatch(/^acme_[0-9a-f]{24}$/);
    expect(second!.dbName).toMatch(/^acme_[0-9a-f]{24}$/);
    expect(first!.dbName).not.toBe(second!.dbName);
  });

  it('rethrows slug_taken when the request has no Idempotency-Key', async () => {
    const { register, tenants } = await setUp();
    const taken = TenantError.slugTaken('acme', 'someone-else');
    tenants.create.mockRejectedValueOnce(taken);
    await expect(register.execute({ name: 'Acme' })).rejects.toBe(taken);
    expect(tenants.findByIdempotencyKey).not.toHaveBeenCalled();
  });

  it('rethrows slug_taken when the key has no earlier request (another key or none took the name)', async () => {
    const { register, tenants } = await setUp();
    const taken = TenantError.slugTaken('acme', 'someone-else');
    tenants.create.mockRejectedValueOnce(taken);
    await expect(register.execute({ name: 'Acme', idempotencyKey: 'key-1' })).rejects.toBe(taken);
    expect(tenants.findByIdempotencyKey).toHaveBeenCalledTimes(2);
  });

  it('rethrows any other failure of create even with an Idempotency-Key', async () => {
    const { register, tenants } = await setUp();
    const outage = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    tenants.create.mockRejectedValueOnce(outage);
    await expect(register.execute({ name: 'Acme', idempotencyKey: 'key-1' })).rejects.toBe(outage);
    expect(tenants.findByIdempotencyKey).toHaveBeenCalledTimes(1);
  });
});

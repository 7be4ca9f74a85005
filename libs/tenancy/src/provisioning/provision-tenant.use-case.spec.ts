import { Test } from '@nestjs/testing';
import { KnexTimeoutError } from 'knex';
import { PinoLogger } from 'nestjs-pino';
import { TenantError } from '../errors/tenant-error';
import { TenantEventsPublisher } from '../events/tenant-events.publisher';
import { AdvisoryLock } from '../master/advisory-lock';
import { tenantLockKey } from '../master/lock-keys';
import type { Tenant } from '../registry/tenant';
import { TenantRepository } from '../registry/tenant.repository';
import { TenantSecretCipher } from '../secrets/tenant-secret.cipher';
import { TenantPlacement } from '../servers/tenant-placement';
import { TenantDatabaseProvisioner } from '../tenant-databases/tenant-database.provisioner';
import { TenantServerToolkit, TenantServerToolkits } from '../tenant-databases/tenant-server.toolkits';
import { MigrationLoadError } from '../postgres/migration-load.error';
import { ProvisionTenant } from './provision-tenant.use-case';
import { ProvisioningMetrics } from './provisioning.metrics';

/** A jest.fn() for each method of a class the use case depends on (Immich's automock). */
function automock(token: unknown): Record<string, jest.Mock> {
  if (typeof token !== 'function') throw new Error(`no automock for ${String(token)}`);
  const methods = Object.getOwnPropertyNames(token.prototype as object).filter((name) => name !== 'constructor');
  return Object.fromEntries(methods.map((name) => [name, jest.fn()]));
}

const TENANT_ID = 'tenant-1';
const tenant = (status: Tenant['status']) =>
  ({
    id: TENANT_ID,
    status,
    dbName: 'tenant_acme',
    dbRole: 'tenant_acme',
    dbPasswordEncrypted: 'sealed',
    server: 'default',
  }) as Tenant;
const connectionError = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const VERSION = { migration: '20250101000000_create_users_table', fingerprint: 'f'.repeat(64) };
const foreignDatabase = () => TenantError.foreignDatabaseObject('database', 'tenant_acme', 'was not made by this service');

describe('ProvisionTenant', () => {
  let provision: ProvisionTenant;
  let tenants: jest.Mocked<TenantRepository>;
  let databases: jest.Mocked<TenantDatabaseProvisioner>;
  let lock: jest.Mocked<AdvisoryLock>;
  let events: jest.Mocked<TenantEventsPublisher>;
  let logger: jest.Mocked<PinoLogger>;
  let servers: jest.Mocked<TenantServerToolkits>;
  let placement: jest.Mocked<TenantPlacement>;
  let metrics: jest.Mocked<ProvisioningMetrics>;

  beforeEach(async () => {
    const module = await Test.createTestingModule({ providers: [ProvisionTenant] })
      .useMocker(automock)
      .compile();
    provision = module.get(ProvisionTenant);
    tenants = jest.mocked(module.get(TenantRepository));
    databases = jest.mocked(automock(TenantDatabaseProvisioner) as unknown as TenantDatabaseProvisioner);
    servers = jest.mocked(module.get(TenantServerToolkits));
    servers.for.mockResolvedValue({ provisioner: databases } as unknown as TenantServerToolkit);
    placement = jest.mocked(module.get(TenantPlacement));
    lock = jest.mocked(module.get(AdvisoryLock));
    events = jest.mocked(module.get(TenantEventsPublisher));
    logger = jest.mocked(module.get(PinoLogger));
    metrics = jest.mocked(module.get(ProvisioningMetrics));
    const cipher = jest.mocked(module.get(TenantSecretCipher));

    lock.tryRunExclusive.mockImplementation(async (_key, work) => ({ acquired: true, value: await work() }));
    cipher.generatePassword.mockReturnValue('fresh password');
    cipher.encrypt.mockReturnValue('sealed');
    cipher.decrypt.mockReturnValue('password');
    tenants.startAttempt.mockResolvedValue(tenant('provisioning'));
    tenants.markReady.mockResolvedValue(tenant('ready'));
    tenants.recordAttemptFailure.mockImplementation(async (_id, _error, finalAttempt) =>
      tenant(finalAttempt ? 'failed' : 'provisioning'),
    );
    databases.createDatabase.mockResolvedValue({ origin: 'created', current: false });
    databases.migrate.mockResolvedValue(VERSION);
  });

  it('provisions the tenant under its advisory lock and publishes it ready', async () => {
    await provision.execute({ tenantId: TENANT_ID, final: false });
    expect(lock.tryRunExclusive).toHaveBeenCalledWith(tenantLockKey(TENANT_ID), expect.any(Function));
    expect(databases.migrate).toHaveBeenCalled();
    // The schema version its database was brought to is recorded with `ready`, for fleet rollouts.
    expect(tenants.markReady).toHaveBeenCalledWith(TENANT_ID, VERSION);
    expect(events.publish).toHaveBeenLastCalledWith(tenant('ready'));
    expect(tenants.recordAttemptFailure).not.toHaveBeenCalled();
  });

  it('runs the seeds after the migrations, in the same database, before the tenant is ready', async () => {
    databases.createDatabase.mockResolvedValue({ origin: 'template', current: true });
    await provision.execute({ tenantId: TENANT_ID, final: false });
    expect(databases.seed).toHaveBeenCalledWith(expect.objectContaining({ dbName: 'tenant_acme' }), {
      origin: 'template',
      current: true,
    });
    expect(databases.migrate.mock.invocationCallOrder[0]).toBeLessThan(databases.seed.mock.invocationCallOrder[0]!);
    expect(databases.seed.mock.invocationCallOrder[0]).toBeLessThan(tenants.markReady.mock.invocationCallOrder[0]!);
  });

  it('records the durations of a tenant made ready, each step and in all, by how its database came to be', async () => {
    databases.createDatabase.mockResolvedValue({ origin: 'pool', current: true, sealedPassword: 'spare password' });
    await provision.execute({ tenantId: TENANT_ID, final: false });
    expect(metrics.recordReady).toHaveBeenCalledTimes(1);
    const [origin, stopwatch] = metrics.recordReady.mock.calls[0]!;
    expect(origin).toBe('pool');
    expect([...stopwatch.laps().keys()]).toEqual(['database', 'migrations', 'seeds']);
  });

  it('provisions on the server recorded for the tenant', async () => {
    tenants.startAttempt.mockResolvedValue({ ...tenant('provisioning'), server: 'eu-2' });
    await provision.execute({ tenantId: TENANT_ID, final: false });
    expect(servers.for).toHaveBeenCalledWith('eu-2');
    expect(placement.placeWaiting).not.toHaveBeenCalled();
  });

  it('places a tenant recorded while every server was full, then provisions it there', async () => {
    tenants.startAttempt.mockResolvedValue({ ...tenant('provisioning'), server: null });
    placement.placeWaiting.mockResolvedValue('eu-3');
    await provision.execute({ tenantId: TENANT_ID, final: false });
    expect(servers.for).toHaveBeenCalledWith('eu-3');
    expect(tenants.markReady).toHaveBeenCalled();
  });

  it('leaves a tenant no server has room for waiting, never failed, even on its last attempt', async () => {
    tenants.startAttempt.mockResolvedValue({ ...tenant('provisioning'), server: null });
    placement.placeWaiting.mockResolvedValue(undefined);
    await expect(provision.execute({ tenantId: TENANT_ID, final: true })).rejects.toMatchObject({ code: 'no_server_capacity' });
    expect(tenants.recordAttemptFailure).toHaveBeenCalledWith(TENANT_ID, expect.stringContaining('capacity'), false);
    expect(databases.createDatabase).not.toHaveBeenCalled();
  });

  it('does nothing when the tenant needs no attempt (already ready, or gone)', async () => {
    tenants.startAttempt.mockResolvedValue(undefined);
    await provision.execute({ tenantId: TENANT_ID, final: true });
    expect(databases.createDatabase).not.toHaveBeenCalled();
  });

  it('refuses with busy, without touching the tenant, when another process holds its lock', async () => {
    lock.tryRunExclusive.mockResolvedValue({ acquired: false });
    const error: unknown = await provision.execute({ tenantId: TENANT_ID, final: true }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TenantError);
    expect(error).toMatchObject({ code: 'busy', details: { tenantId: TENANT_ID } });
    expect(tenants.startAttempt).not.toHaveBeenCalled();
  });

  describe('when an attempt fails', () => {
    it('records the failure of a non-final attempt without making the tenant failed, and rethrows', async () => {
      const error = new Error('migration 003 failed');
      databases.migrate.mockRejectedValue(error);

      await expect(provision.execute({ tenantId: TENANT_ID, final: false })).rejects.toBe(error);
      expect(tenants.recordAttemptFailure).toHaveBeenCalledWith(TENANT_ID, 'migration 003 failed', false);
      expect(events.publish).not.toHaveBeenCalledWith(expect.objectContaining({ status: 'failed' }));
      expect(metrics.recordReady).not.toHaveBeenCalled();
    });

    it('makes the tenant failed on the final attempt, publishes it, and rethrows', async () => {
      const error = new Error('migration 003 failed');
      databases.migrate.mockRejectedValue(error);

      await expect(provision.execute({ tenantId: TENANT_ID, final: true })).rejects.toBe(error);
      expect(tenants.recordAttemptFailure).toHaveBeenCalledWith(TENANT_ID, 'migration 003 failed', true);
      expect(events.publish).toHaveBeenLastCalledWith(tenant('failed'));
    });

    it.each([
      ['a refused connection', connectionError()],
      ['a pool timeout', new KnexTimeoutError('Knex: Timeout acquiring a connection')],
      ['a server restart', Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })],
      ['a migration file that cannot load', new MigrationLoadError('/migrations/001_x.ts', new SyntaxError("Unexpected token '{'"))],
    ])('never makes the tenant failed for %s, even on the final attempt', async (_what, error) => {
      databases.createDatabase.mockRejectedValue(error);

      await expect(provision.execute({ tenantId: TENANT_ID, final: true })).rejects.toBe(error);
      expect(tenants.recordAttemptFailure).toHaveBeenCalledWith(TENANT_ID, error.message, false);
      expect(events.publish).not.toHaveBeenCalledWith(expect.objectContaining({ status: 'failed' }));
    });

    it.each([true, false])('makes the tenant failed for a foreign database object on any attempt (final: %s)', async (final) => {
      const error = foreignDatabase();
      databases.createDatabase.mockRejectedValue(error);

      await expect(provision.execute({ tenantId: TENANT_ID, final })).rejects.toBe(error);
      expect(tenants.recordAttemptFailure).toHaveBeenCalledWith(TENANT_ID, error.message, true);
      expect(events.publish).toHaveBeenLastCalledWith(tenant('failed'));
    });

    it('records something that is not an Error by its text', async () => {
      databases.createDatabase.mockRejectedValue('plain text');
      await expect(provision.execute({ tenantId: TENANT_ID, final: false })).rejects.toBe('plain text');
      expect(tenants.recordAttemptFailure).toHaveBeenCalledWith(TENANT_ID, 'plain text', false);
    });

    it('swallows an error while recording the failure with a warning, and rethrows the original error', async () => {
      const error = new Error('migration 003 failed');
      const recordingError = connectionError();
      databases.migrate.mockRejectedValue(error);
      tenants.recordAttemptFailure.mockRejectedValue(recordingError);

      await expect(provision.execute({ tenantId: TENANT_ID, final: true })).rejects.toBe(error);
      expect(logger.warn).toHaveBeenCalledWith({ err: recordingError }, expect.stringContaining('could not record'));
      expect(events.publish).not.toHaveBeenCalledWith(expect.objectContaining({ status: 'failed' }));
    });
  });
});

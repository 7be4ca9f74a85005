import { Test } from '@nestjs/testing';
import { TenantError } from '../errors/tenant-error';
import { TenantEventsPublisher } from '../events/tenant-events.publisher';
import { AdvisoryLock } from '../master/advisory-lock';
import { tenantLockKey } from '../master/lock-keys';
import type { Tenant, TenantOperation } from '../registry/tenant';
import { TenantLifecycleRepository } from '../registry/tenant-lifecycle.repository';
import { TenantRepository } from '../registry/tenant.repository';
import { RunLifecycleOperation } from './run-lifecycle-operation.use-case';
import { TenantAccessOperations } from './tenant-access.operations';
import { TenantMoveOperation } from './tenant-move.operation';
import { TenantPurgeOperation } from './tenant-purge.operation';
import { TenantRestoreOperation } from './tenant-restore.operation';

/** A jest.fn() for each method of a class the use case depends on (Immich's automock). */
function automock(token: unknown): Record<string, jest.Mock> {
  if (typeof token !== 'function') throw new Error(`no automock for ${String(token)}`);
  const methods = Object.getOwnPropertyNames(token.prototype as object).filter((name) => name !== 'constructor');
  return Object.fromEntries(methods.map((name) => [name, jest.fn()]));
}

const TENANT_ID = 'tenant-1';
const tenant = (operation: TenantOperation | null) => ({ id: TENANT_ID, status: 'deleted', operation }) as Tenant;
const connectionError = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('RunLifecycleOperation', () => {
  let run: RunLifecycleOperation;
  let tenants: jest.Mocked<TenantRepository>;
  let lifecycle: jest.Mocked<TenantLifecycleRepository>;
  let lock: jest.Mocked<AdvisoryLock>;
  let events: jest.Mocked<TenantEventsPublisher>;
  let access: jest.Mocked<TenantAccessOperations>;
  let purge: jest.Mocked<TenantPurgeOperation>;
  let restore: jest.Mocked<TenantRestoreOperation>;
  let move: jest.Mocked<TenantMoveOperation>;

  beforeEach(async () => {
    const module = await Test.createTestingModule({ providers: [RunLifecycleOperation] })
      .useMocker(automock)
      .compile();
    run = module.get(RunLifecycleOperation);
    tenants = jest.mocked(module.get(TenantRepository));
    lifecycle = jest.mocked(module.get(TenantLifecycleRepository));
    lock = jest.mocked(module.get(AdvisoryLock));
    events = jest.mocked(module.get(TenantEventsPublisher));
    access = jest.mocked(module.get(TenantAccessOperations));
    purge = jest.mocked(module.get(TenantPurgeOperation));
    restore = jest.mocked(module.get(TenantRestoreOperation));
    move = jest.mocked(module.get(TenantMoveOperation));
    lock.tryRunExclusive.mockImplementation(async (_key, work) => ({ acquired: true, value: await work() }));
    lifecycle.finish.mockImplementation(async (id, _operation, status) => ({ id, status, operation: null }) as Tenant);
    lifecycle.recordFailure.mockImplementation(
      async (id, operation, _error, settle) => ({ id, operation: settle ? null : operation }) as Tenant,
    );
  });

  it.each([
    ['suspend', 'suspended'],
    ['resume', 'ready'],
    ['delete', 'deleted'],
    ['purge', 'purged'],
    ['restore', 'ready'],
  ] as const)('runs a recorded %s under the tenant lock, finishes it as %s and publishes that', async (operation, status) => {
    tenants.findById.mockResolvedValue(tenant(operation));
    await expect(run.execute({ tenantId: TENANT_ID, final: false })).resolves.toBe(operation);
    expect(lock.tryRunExclusive).toHaveBeenCalledWith(tenantLockKey(TENANT_ID), expect.any(Function));
    expect(lifecycle.finish).toHaveBeenCalledWith(TENANT_ID, operation, status);
    expect(events.publish).toHaveBeenCalledWith(expect.objectContaining({ status }));
  });

  it('does nothing when no operation is recorded (a late or repeated job)', async () => {
    tenants.findById.mockResolvedValue(tenant(null));
    await expect(run.execute({ tenantId: TENANT_ID, final: true })).resolves.toBeUndefined();
    expect(access.suspend).not.toHaveBeenCalled();
    expect(lifecycle.finish).not.toHaveBeenCalled();
  });

  it('refuses with busy when another process holds the tenant', async () => {
    lock.tryRunExclusive.mockResolvedValue({ acquired: false });
    await expect(run.execute({ tenantId: TENANT_ID, final: true })).rejects.toMatchObject({ code: 'busy' });
  });

  it.each(['suspend', 'delete', 'purge'] as const)(
    'keeps a failing %s recorded, even on the last attempt, so it is run again',
    async (operation) => {
      tenants.findById.mockResolvedValue(tenant(operation));
      const error = new Error('pg_dump failed');
      access.suspend.mockRejectedValue(error);
      access.delete.mockRejectedValue(error);
      purge.run.mockRejectedValue(error);
      await expect(run.execute({ tenantId: TENANT_ID, final: true })).rejects.toBe(error);
      expect(lifecycle.recordFailure).toHaveBeenCalledWith(TENANT_ID, operation, 'pg_dump failed', undefined);
      expect(lifecycle.finish).not.toHaveBeenCalled();
    },
  );

  it('gives a restore up on its last attempt: what it made is dropped and the tenant is purged again', async () => {
    tenants.findById.mockResolvedValue(tenant('restore'));
    restore.run.mockRejectedValue(new Error('pg_restore failed'));
    await expect(run.execute({ tenantId: TENANT_ID, final: false })).rejects.toThrow('pg_restore failed');
    expect(lifecycle.recordFailure).toHaveBeenLastCalledWith(TENANT_ID, 'restore', 'pg_restore failed', undefined);
    expect(restore.cleanUp).not.toHaveBeenCalled();

    await expect(run.execute({ tenantId: TENANT_ID, final: true })).rejects.toThrow('pg_restore failed');
    expect(restore.cleanUp).toHaveBeenCalled();
    expect(lifecycle.recordFailure).toHaveBeenLastCalledWith(TENANT_ID, 'restore', 'pg_restore failed', 'purged');
    expect(events.publish).toHaveBeenCalled();
  });

  it('gives a resume up on its last attempt, leaving the tenant suspended', async () => {
    tenants.findById.mockResolvedValue(tenant('resume'));
    access.resume.mockRejectedValue(new Error('role missing'));
    await expect(run.execute({ tenantId: TENANT_ID, final: true })).rejects.toThrow('role missing');
    expect(lifecycle.recordFailure).toHaveBeenCalledWith(TENANT_ID, 'resume', 'role missing', 'suspended');
  });

  it('never gives up because PostgreSQL is away', async () => {
    tenants.findById.mockResolvedValue(tenant('restore'));
    restore.run.mockRejectedValue(connectionError());
    await expect(run.execute({ tenantId: TENANT_ID, final: true })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(lifecycle.recordFailure).toHaveBeenCalledWith(TENANT_ID, 'restore', expect.any(String), undefined);
    expect(restore.cleanUp).not.toHaveBeenCalled();
  });

  it('ends any operation at once when something the service did not make is in the way, touching nothing', async () => {
    tenants.findById.mockResolvedValue(tenant('purge'));
    purge.run.mockRejectedValue(TenantError.foreignDatabaseObject('database', 'tenant_acme', 'was not made by this service'));
    await expect(run.execute({ tenantId: TENANT_ID, final: false })).rejects.toMatchObject({ code: 'foreign_database_object' });
    expect(lifecycle.recordFailure).toHaveBeenCalledWith(TENANT_ID, 'purge', expect.stringContaining('tenant_acme'), 'deleted');
  });

  it('rolls a move back at once, on any attempt, when its target stopped answering mid-copy', async () => {
    tenants.findById.mockResolvedValue(tenant('move'));
    const lost = new TenantError('server_unavailable', 'database server "far" stopped answering during the copy', { server: 'far' });
    move.run.mockRejectedValue(lost);
    move.rollBackFromLostTarget.mockResolvedValue(true);
    await expect(run.execute({ tenantId: TENANT_ID, final: false })).rejects.toBe(lost);
    expect(move.rollBackFromLostTarget).toHaveBeenCalled();
    expect(move.rollBack).not.toHaveBeenCalled();
    expect(lifecycle.recordFailure).toHaveBeenCalledWith(TENANT_ID, 'move', expect.stringContaining('"far"'), 'ready');
    expect(events.publish).toHaveBeenCalled();
  });

  it('keeps a failing move recorded until its last attempt, then rolls it back', async () => {
    tenants.findById.mockResolvedValue(tenant('move'));
    move.run.mockRejectedValue(new Error('pg_restore failed'));
    move.rollBack.mockResolvedValue(true);
    await expect(run.execute({ tenantId: TENANT_ID, final: false })).rejects.toThrow('pg_restore failed');
    expect(lifecycle.recordFailure).toHaveBeenLastCalledWith(TENANT_ID, 'move', 'pg_restore failed', undefined);
    await expect(run.execute({ tenantId: TENANT_ID, final: true })).rejects.toThrow('pg_restore failed');
    expect(move.rollBack).toHaveBeenCalled();
    expect(move.rollBackFromLostTarget).not.toHaveBeenCalled();
    expect(lifecycle.recordFailure).toHaveBeenLastCalledWith(TENANT_ID, 'move', 'pg_restore failed', 'ready');
  });
});

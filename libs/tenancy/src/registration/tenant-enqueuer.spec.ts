import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TenantError } from '../errors/tenant-error';
import { ProvisioningQueue } from '../provisioning/provisioning-queue.service';
import { TENANT_STATUSES, Tenant, TenantStatus } from '../registry/tenant';
import { TenantEnqueuer } from './tenant-enqueuer';

const tenant = (status: TenantStatus) => ({ id: 'tenant-1', status }) as Tenant;

describe('TenantEnqueuer', () => {
  let enqueuer: TenantEnqueuer;
  let queue: jest.Mocked<Pick<ProvisioningQueue, 'enqueue' | 'enqueueNew'>>;

  beforeEach(async () => {
    queue = {
      enqueue: jest.fn(async (tenantId: string) => `provision-${tenantId}`),
      enqueueNew: jest.fn(async (tenantId: string) => `provision-${tenantId}`),
    };
    const module = await Test.createTestingModule({
      providers: [TenantEnqueuer, { provide: ProvisioningQueue, useValue: queue }],
    }).compile();
    enqueuer = module.get(TenantEnqueuer);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('queues a new tenant under its deterministic job id', async () => {
    await expect(enqueuer.enqueueNew(tenant('pending'))).resolves.toBe('provision-tenant-1');
    expect(queue.enqueueNew).toHaveBeenCalledWith('tenant-1');
  });

  it.each([
    ['enqueueNew', () => enqueuer.enqueueNew(tenant('pending'))],
    ['ensureQueued', () => enqueuer.ensureQueued(tenant('failed'))],
    ['ensureQueuedIfPending', () => enqueuer.ensureQueuedIfPending(tenant('pending'))],
  ])('turns a queue error in %s into queue_unavailable with the tenant id', async (_method, enqueue) => {
    queue.enqueue.mockRejectedValue(new Error('Connection is closed.'));
    queue.enqueueNew.mockRejectedValue(new Error('Connection is closed.'));

    const error: unknown = await enqueue().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TenantError);
    expect(error).toMatchObject({ code: 'queue_unavailable', details: { tenantId: 'tenant-1' } });
  });

  it('queues a pending tenant again on replay: its first enqueue may have failed', async () => {
    await expect(enqueuer.ensureQueuedIfPending(tenant('pending'))).resolves.toEqual({
      tenant: tenant('pending'),
      jobId: 'provision-tenant-1',
    });
    expect(queue.enqueue).toHaveBeenCalledWith('tenant-1');
  });

  it.each(TENANT_STATUSES.filter((status) => status !== 'pending'))(
    'does not queue a %s tenant on replay, and answers with its job id',
    async (status) => {
      await expect(enqueuer.ensureQueuedIfPending(tenant(status))).resolves.toEqual({
        tenant: tenant(status),
        jobId: 'provision-tenant-1',
      });
      expect(queue.enqueue).not.toHaveBeenCalled();
      expect(queue.enqueueNew).not.toHaveBeenCalled();
    },
  );
});

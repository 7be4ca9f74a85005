import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { isTenantError, TenantError } from '../errors/tenant-error';
import { TenantEventsPublisher } from '../events/tenant-events.publisher';
import { AdvisoryLock } from '../master/advisory-lock';
import { tenantLockKey } from '../master/lock-keys';
import { isConnectionError } from '../postgres/is-connection-error';
import type { Tenant, TenantOperation, TenantStatus } from '../registry/tenant';
import { TenantLifecycleRepository } from '../registry/tenant-lifecycle.repository';
import { TenantRepository } from '../registry/tenant.repository';
import { TenantAccessOperations } from './tenant-access.operations';
import { TenantMoveOperation } from './tenant-move.operation';
import { TenantPurgeOperation } from './tenant-purge.operation';
import { TenantRestoreOperation } from './tenant-restore.operation';

export interface LifecycleAttempt {
  tenantId: string;
  /** The job's last attempt: a resume or restore then gives up. */
  final: boolean;
}

/** Where each operation leaves the tenant when it is done. */
const DONE: Record<TenantOperation, TenantStatus> = {
  suspend: 'suspended',
  resume: 'ready',
  delete: 'deleted',
  purge: 'purged',
  restore: 'ready',
  move: 'ready',
};

/**
 * Where an operation that gives up leaves it. Suspend, delete and purge withdraw access and do
 * not give up: they stay recorded and the reconciler runs them again, unless something the
 * service did not make stands in the way. A resume or restore that fails its last attempt ends;
 * so does a move, rolled back, unless the registry names its target already (then it goes on),
 * and a move whose target stopped answering mid-copy, at once.
 */
const GIVEN_UP: Record<TenantOperation, TenantStatus> = {
  suspend: 'suspended',
  resume: 'suspended',
  delete: 'deleted',
  purge: 'deleted',
  restore: 'purged',
  move: 'ready',
};

/**
 * Runs the lifecycle operation recorded on a tenant's master row, holding the tenant's advisory
 * lock; the row says what to do, so a job that runs twice, late, or for an operation since
 * finished does nothing more. Every step of every operation is safe to repeat.
 */
@Injectable()
export class RunLifecycleOperation {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly lifecycle: TenantLifecycleRepository,
    private readonly lock: AdvisoryLock,
    private readonly events: TenantEventsPublisher,
    private readonly access: TenantAccessOperations,
    private readonly purge: TenantPurgeOperation,
    private readonly restore: TenantRestoreOperation,
    private readonly move: TenantMoveOperation,
    private readonly logger: PinoLogger,
  ) {}

  /** Returns the operation done, or undefined when there was none to do. */
  async execute({ tenantId, final }: LifecycleAttempt): Promise<TenantOperation | undefined> {
    const run = await this.lock.tryRunExclusive(tenantLockKey(tenantId), async () => {
      const tenant = await this.tenants.findById(tenantId);
      const operation = tenant?.operation;
      if (!tenant || !operation) return undefined;
      try {
        await this.perform(tenant, operation);
      } catch (error) {
        await this.recordFailure(tenant, operation, error, final);
        throw error;
      }
      const done = await this.lifecycle.finish(tenantId, operation, DONE[operation]);
      if (done) await this.events.publish(done);
      return operation;
    });
    if (!run.acquired) throw TenantError.busy(tenantId);
    return run.value;
  }

  private perform(tenant: Tenant, operation: TenantOperation): Promise<void> {
    switch (operation) {
      case 'suspend':
        return this.access.suspend(tenant);
      case 'resume':
        return this.access.resume(tenant);
      case 'delete':
        return this.access.delete(tenant);
      case 'purge':
        return this.purge.run(tenant);
      case 'restore':
        return this.restore.run(tenant);
      case 'move':
        return this.move.run(tenant);
    }
  }

  /** An unreachable server is never a reason to give up; see GIVEN_UP for the rest. */
  private async recordFailure(tenant: Tenant, operation: TenantOperation, error: unknown, final: boolean): Promise<void> {
    const foreign = isTenantError(error, 'foreign_database_object');
    // A move's target that stopped answering mid-copy: the tenant goes back to its source now, not when that server is back.
    const targetLost = operation === 'move' && isTenantError(error, 'server_unavailable');
    let givesUp = foreign || targetLost || (final && !isConnectionError(error) && ['resume', 'restore', 'move'].includes(operation));
    try {
      if (givesUp && operation === 'restore' && !foreign) await this.restore.cleanUp(tenant);
      if (givesUp && operation === 'move') {
        givesUp = targetLost ? await this.move.rollBackFromLostTarget(tenant) : await this.move.rollBack(tenant);
      }
      const recorded = await this.lifecycle.recordFailure(
        tenant.id,
        operation,
        describe(error),
        givesUp ? GIVEN_UP[operation] : undefined,
      );
      if (givesUp && recorded) await this.events.publish(recorded);
    } catch (recordingError) {
      this.logger.warn({ err: recordingError }, 'could not record the failed attempt; the reconciler will retry');
    }
  }
}

function describe(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}

import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { TenantError } from '../errors/tenant-error';
import { TenantEventsPublisher } from '../events/tenant-events.publisher';
import type { Tenant, TenantOperation } from '../registry/tenant';
import { TenantRepository } from '../registry/tenant.repository';
import { lifecycleJobId } from './lifecycle.constants';
import { TenantLifecycleQueue } from './tenant-lifecycle.queue';

/** A lifecycle request recorded in master and queued: the tenant as it now is, and the job that carries it out. */
export interface AcceptedOperation {
  tenant: Tenant;
  jobId: string;
}

/** What a request may start from, and how to refuse a tenant that is elsewhere. */
export interface RequestRule {
  operation: TenantOperation;
  allowed: (tenant: Tenant) => boolean;
  refusal: (tenant: Tenant) => TenantError;
}

/**
 * What the lifecycle use cases share: the tenant found by id or slug, the request checked against
 * its status, recorded by one conditional update (which decides any race), broadcast, and queued.
 */
@Injectable()
export class LifecycleRequests {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly queue: TenantLifecycleQueue,
    private readonly events: TenantEventsPublisher,
    private readonly logger: PinoLogger,
  ) {}

  /** `reference` is a tenant's id or its slug (a live tenant's before a purged one's). */
  async find(reference: string): Promise<Tenant> {
    const tenant = await this.tenants.findByReference(reference);
    if (!tenant) throw TenantError.unknownReference(reference);
    return tenant;
  }

  /** Throws the rule's refusal, or operation_in_progress, when the tenant is not where the request may start. */
  check(tenant: Tenant, rule: RequestRule): void {
    if (rule.allowed(tenant)) return;
    if (tenant.operation) throw TenantError.operationInProgress(tenant.id, tenant.operation);
    throw rule.refusal(tenant);
  }

  /** Checks, then records with `record` (undefined: someone changed the tenant meanwhile), broadcasts and queues. */
  async accept(tenant: Tenant, rule: RequestRule, record: () => Promise<Tenant | undefined>): Promise<AcceptedOperation> {
    this.check(tenant, rule);
    const recorded = await record();
    if (!recorded) {
      this.check(await this.tenants.getById(tenant.id), rule);
      throw TenantError.busy(tenant.id);
    }
    return this.queued(recorded, rule.operation);
  }

  /**
   * Broadcast (tenant apps drop the tenant's pools now, not when their cache expires) and
   * queued. Recorded is what counts: when the queue is out of reach the reconciler queues it later.
   */
  async queued(tenant: Tenant, operation: TenantOperation): Promise<AcceptedOperation> {
    await this.events.publish(tenant);
    try {
      return { tenant, jobId: await this.queue.enqueue(tenant.id, operation) };
    } catch (error) {
      this.logger.warn({ err: error, tenantId: tenant.id }, `could not queue the ${operation}; the reconciler will`);
      return { tenant, jobId: lifecycleJobId(tenant.id, operation) };
    }
  }
}

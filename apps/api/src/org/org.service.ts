import { createHash } from 'node:crypto';
import {
  ConflictException,
  Inject,
  Injectable,
  ServiceUnavailableException,
  UnprocessableEntityException,
} from '@nestjs/common';
import {
  APP_CONFIG,
  AppConfig,
  assertNotReserved,
  opaqueDatabaseName,
  ProvisioningQueue,
  provisionJobId,
  slugForTenantName,
  Tenant,
  tenantDatabaseName,
  TenantRepository,
  TenantSlugTakenError,
} from '@app/tenancy';
import { PinoLogger } from 'nestjs-pino';
import { statusUrlOf } from './tenant.views';

export interface QueuedTenant {
  tenant: Tenant;
  jobId: string;
  /** True when an Idempotency-Key matched an earlier request and this is its tenant again. */
  replayed?: boolean;
}

/** Registers organizations and hands their provisioning to the worker. */
@Injectable()
export class OrgService {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly queue: ProvisioningQueue,
    private readonly logger: PinoLogger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    logger.setContext(OrgService.name);
  }

  async register(name: string, idempotencyKey?: string): Promise<QueuedTenant> {
    const slug = slugForTenantName(name);
    const { tenantDbPrefix: prefix, tenantDbNaming } = this.config;
    const dbName = tenantDbNaming === 'opaque' ? opaqueDatabaseName(prefix) : tenantDatabaseName(prefix, slug);
    assertNotReserved(dbName, this.config.reservedDatabaseNames);
    const idempotency = idempotencyKey ? { key: idempotencyKey, requestHash: hashRequest(slug) } : undefined;
    if (idempotency) {
      const earlier = await this.replay(idempotency);
      if (earlier) return earlier;
    }
    try {
      const tenant = await this.tenants.create({ name: name.trim(), slug, dbName }, idempotency);
      return { tenant, jobId: await this.enqueue(tenant, 'new') };
    } catch (error) {
      // A concurrent request with the same key won the race: answer as it did.
      const earlier = error instanceof TenantSlugTakenError && idempotency && (await this.replay(idempotency));
      if (earlier) return earlier;
      throw error;
    }
  }

  async retry(tenantId: string): Promise<QueuedTenant> {
    const tenant = await this.tenants.getById(tenantId);
    if (!(await this.tenants.resetFailed(tenantId))) {
      throw new ConflictException(`tenant is ${tenant.status}; only a failed tenant can be retried`);
    }
    const reset = await this.tenants.getById(tenantId);
    return { tenant: reset, jobId: await this.enqueue(reset) };
  }

  private async replay(idempotency: { key: string; requestHash: string }): Promise<QueuedTenant | undefined> {
    const earlier = await this.tenants.findByIdempotencyKey(idempotency.key);
    if (!earlier) return undefined;
    if (earlier.requestHash !== idempotency.requestHash) {
      throw new UnprocessableEntityException('this Idempotency-Key was already used with a different request');
    }
    const tenant = await this.tenants.getById(earlier.tenantId);
    // A pending tenant may be one whose enqueue failed the first time: enqueueing again is the retry.
    const jobId = tenant.status === 'pending' ? await this.enqueue(tenant) : provisionJobId(tenant.id);
    return { tenant, jobId, replayed: true };
  }

  /**
   * The tenant row is written first, so a queue outage loses nothing: the tenant stays pending
   * and the worker's reconciler enqueues it once Redis answers again.
   */
  private async enqueue(tenant: Tenant, age: 'new' | 'known' = 'known'): Promise<string> {
    try {
      return age === 'new' ? await this.queue.enqueueNew(tenant.id) : await this.queue.enqueue(tenant.id);
    } catch (error) {
      this.logger.error({ err: error, tenantId: tenant.id }, 'could not enqueue provisioning job');
      throw new ServiceUnavailableException({
        message:
          'the job queue (Redis) is unavailable; the tenant is recorded and will be provisioned automatically once it is back',
        tenantId: tenant.id,
        statusUrl: statusUrlOf(tenant.id),
      });
    }
  }
}

/** Requests that map to the same tenant count as the same request. */
function hashRequest(slug: string): string {
  return createHash('sha256').update(slug).digest('hex');
}

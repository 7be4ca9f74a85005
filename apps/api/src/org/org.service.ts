import { ConflictException, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import {
  APP_CONFIG,
  AppConfig,
  ProvisioningQueue,
  slugForTenantName,
  Tenant,
  tenantDatabaseName,
  TenantRepository,
} from '@app/tenancy';
import { PinoLogger } from 'nestjs-pino';

export interface QueuedTenant {
  tenant: Tenant;
  jobId: string;
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

  async register(name: string): Promise<QueuedTenant> {
    const slug = slugForTenantName(name);
    const tenant = await this.tenants.create({
      name: name.trim(),
      slug,
      dbName: tenantDatabaseName(this.config.tenantDbPrefix, slug),
    });
    return { tenant, jobId: await this.enqueue(tenant) };
  }

  async retry(tenantId: string): Promise<QueuedTenant> {
    const tenant = await this.tenants.getById(tenantId);
    if (!(await this.tenants.resetFailed(tenantId))) {
      throw new ConflictException(`tenant is ${tenant.status}; only a failed tenant can be retried`);
    }
    const reset = await this.tenants.getById(tenantId);
    return { tenant: reset, jobId: await this.enqueue(reset) };
  }

  /**
   * The tenant row is written first, so a queue outage loses nothing: the tenant stays pending
   * and the worker's reconciler enqueues it once Redis answers again.
   */
  private async enqueue(tenant: Tenant): Promise<string> {
    try {
      return await this.queue.enqueue(tenant.id);
    } catch (error) {
      this.logger.error({ err: error, tenantId: tenant.id }, 'could not enqueue provisioning job');
      throw new ServiceUnavailableException({
        message:
          'the job queue (Redis) is unavailable; the tenant is recorded and will be provisioned automatically once it is back',
        tenantId: tenant.id,
        statusUrl: `/org/${tenant.id}/status`,
      });
    }
  }
}

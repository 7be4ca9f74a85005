import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { TenantEventsPublisher } from '../events/tenant-events.publisher';
import { AdvisoryLock } from '../master/advisory-lock';
import { TenantRepository } from '../registry/tenant.repository';
import { TenantDatabaseAdmin } from '../tenant-databases/tenant-database.admin';
import { TenantSchemaMigrator } from '../tenant-databases/tenant-schema.migrator';
import { TenantBusyError } from './tenant-busy.error';

export interface ProvisioningAttempt {
  tenantId: string;
  /** The tenant becomes `failed` only when this attempt was its last. */
  final: boolean;
}

/**
 * Brings one tenant to `ready`. Every step is safe to run again after a crash at any point:
 * the database is created only if missing and migrations apply only what is not applied yet.
 */
@Injectable()
export class ProvisionTenant {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly databases: TenantDatabaseAdmin,
    private readonly migrator: TenantSchemaMigrator,
    private readonly lock: AdvisoryLock,
    private readonly events: TenantEventsPublisher,
    private readonly logger: PinoLogger,
  ) {}

  async execute({ tenantId, final }: ProvisioningAttempt): Promise<void> {
    const run = await this.lock.tryRunExclusive(`tenancy:provision:${tenantId}`, async () => {
      const tenant = await this.tenants.findById(tenantId);
      if (!tenant) {
        this.logger.warn({ tenantId }, 'tenant no longer exists; nothing to provision');
        return;
      }
      if (tenant.status === 'ready') return;
      try {
        await this.tenants.markAttemptStarted(tenantId);
        await this.publish(tenantId);
        await this.databases.ensureDatabase(tenant.dbName);
        await this.tenants.recordStep(tenantId, 'database_created');
        await this.migrator.migrateToLatest(tenant.dbName);
        await this.tenants.recordStep(tenantId, 'migrated');
        await this.tenants.markReady(tenantId);
        await this.publish(tenantId);
      } catch (error) {
        await this.tenants.recordAttemptFailure(tenantId, describe(error), final);
        if (final) await this.publish(tenantId);
        throw error;
      }
    });
    if (!run.acquired) throw new TenantBusyError(tenantId);
  }

  private async publish(tenantId: string): Promise<void> {
    await this.events.publish(await this.tenants.getById(tenantId));
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

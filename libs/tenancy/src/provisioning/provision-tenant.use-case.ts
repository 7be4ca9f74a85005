import { Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { TenantEventsPublisher } from '../events/tenant-events.publisher';
import { AdvisoryLock } from '../master/advisory-lock';
import { isConnectionError } from '../postgres/is-connection-error';
import { Tenant } from '../registry/tenant';
import { TenantRepository } from '../registry/tenant.repository';
import { TenantSecretCipher } from '../secrets/tenant-secret.cipher';
import { TenantDatabaseProvisioner, TenantDatabaseSpec } from '../tenant-databases/tenant-database.provisioner';
import { TenantBusyError } from './tenant-busy.error';
import { tenantLockKey } from './tenant-lock-key';

export interface ProvisioningAttempt {
  tenantId: string;
  /** The tenant becomes `failed` only when this attempt was its last. */
  final: boolean;
}

/**
 * Brings one tenant to `ready`, holding the tenant's advisory lock so no two workers ever work
 * on it at once. Every step is safe to run again after a crash at any point.
 */
@Injectable()
export class ProvisionTenant {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly databases: TenantDatabaseProvisioner,
    private readonly cipher: TenantSecretCipher,
    private readonly lock: AdvisoryLock,
    private readonly events: TenantEventsPublisher,
    private readonly logger: PinoLogger,
  ) {}

  async execute({ tenantId, final }: ProvisioningAttempt): Promise<void> {
    const run = await this.lock.tryRunExclusive(tenantLockKey(tenantId), async () => {
      const tenant = await this.tenants.findById(tenantId);
      if (!tenant) {
        this.logger.warn({ tenantId }, 'tenant no longer exists; nothing to provision');
        return;
      }
      if (tenant.status === 'ready') return;
      try {
        await this.provision(tenant);
      } catch (error) {
        await this.recordFailure(tenantId, error, final);
        throw error;
      }
    });
    if (!run.acquired) throw new TenantBusyError(tenantId);
  }

  private async provision(tenant: Tenant): Promise<void> {
    await this.tenants.markAttemptStarted(tenant.id);
    await this.publish(tenant.id);
    const spec: TenantDatabaseSpec = { dbName: tenant.dbName, role: tenant.dbRole, password: await this.password(tenant) };
    const origin = await this.databases.createDatabase(spec);
    await this.tenants.recordStep(tenant.id, 'database_created');
    await this.databases.migrate(spec, origin);
    await this.tenants.recordStep(tenant.id, 'migrated');
    await this.tenants.markReady(tenant.id);
    await this.publish(tenant.id);
    this.logger.info({ origin }, 'tenant database ready');
  }

  /** The role's password: the one stored by an earlier attempt, or a new one stored first. */
  private async password(tenant: Tenant): Promise<string> {
    const sealed =
      tenant.dbPasswordEncrypted ??
      (await this.tenants.storePasswordOnce(tenant.id, this.cipher.encrypt(this.cipher.generatePassword())));
    return this.cipher.decrypt(sealed);
  }

  /** An unreachable server is not the tenant's fault: it never makes the tenant `failed`. */
  private async recordFailure(tenantId: string, error: unknown, final: boolean): Promise<void> {
    const terminal = final && !isConnectionError(error);
    try {
      await this.tenants.recordAttemptFailure(tenantId, describe(error), terminal);
      if (terminal) await this.publish(tenantId);
    } catch (recordingError) {
      this.logger.warn({ err: recordingError }, 'could not record the failed attempt; the reconciler will retry');
    }
  }

  private async publish(tenantId: string): Promise<void> {
    await this.events.publish(await this.tenants.getById(tenantId));
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

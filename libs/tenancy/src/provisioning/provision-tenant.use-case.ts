import { Injectable } from '@nestjs/common';
import type { Attributes, Span } from '@opentelemetry/api';
import { PinoLogger } from 'nestjs-pino';
import { isTenantError, TenantError } from '../errors/tenant-error';
import { TenantEventsPublisher } from '../events/tenant-events.publisher';
import { AdvisoryLock } from '../master/advisory-lock';
import { isConnectionError } from '../postgres/is-connection-error';
import { isMigrationLoadError } from '../postgres/migration-load.error';
import { Tenant } from '../registry/tenant';
import { TenantRepository } from '../registry/tenant.repository';
import { TenantSecretCipher } from '../secrets/tenant-secret.cipher';
import { TenantPlacement } from '../servers/tenant-placement';
import { TenantDatabaseSpec } from '../tenant-databases/tenant-database.provisioner';
import { TenantServerToolkits } from '../tenant-databases/tenant-server.toolkits';
import { tenantLockKey } from '../master/lock-keys';
import { Stopwatch } from '../metrics/stopwatch';
import { inSpan } from '../tracing/tracer';
import { ProvisioningLap, ProvisioningMetrics } from './provisioning.metrics';

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
    private readonly servers: TenantServerToolkits,
    private readonly placement: TenantPlacement,
    private readonly cipher: TenantSecretCipher,
    private readonly lock: AdvisoryLock,
    private readonly events: TenantEventsPublisher,
    private readonly metrics: ProvisioningMetrics,
    private readonly logger: PinoLogger,
  ) {}

  async execute({ tenantId, final }: ProvisioningAttempt): Promise<void> {
    const run = await this.lock.tryRunExclusive(tenantLockKey(tenantId), async () => {
      // A fresh password is only kept if no earlier attempt stored one.
      const tenant = await this.tenants.startAttempt(tenantId, this.cipher.encrypt(this.cipher.generatePassword(), tenantId));
      if (!tenant) return;
      try {
        await this.provision(tenant);
      } catch (error) {
        // Something the service did not make stands in the way: no later attempt can do better.
        await this.recordFailure(tenantId, error, final || isTenantError(error, 'foreign_database_object'));
        throw error;
      }
    });
    if (!run.acquired) throw TenantError.busy(tenantId);
  }

  private async provision(tenant: Tenant): Promise<void> {
    const stopwatch = new Stopwatch<ProvisioningLap>();
    await this.events.publish(tenant);
    // Recorded while every server was full: it waits (without spending attempts) until one has room.
    const server = tenant.server ?? (await this.placement.placeWaiting(tenant.id));
    if (!server) throw TenantError.noServerCapacity(tenant.id);
    const { provisioner } = await this.servers.for(server);
    const spec: TenantDatabaseSpec = {
      tenantId: tenant.id,
      dbName: tenant.dbName,
      role: tenant.dbRole,
      password: this.cipher.decrypt(tenant.dbPasswordEncrypted!, tenant.id),
    };
    const database = await step('database', { 'tenancy.server': server }, async (span) => {
      const database = await provisioner.createDatabase(spec);
      span.setAttribute('tenancy.database.origin', database.origin);
      // A warm spare's role brings its own password, which replaces the one stored for this attempt.
      if (database.sealedPassword) await this.tenants.recordSpareTaken(tenant.id, database.sealedPassword);
      else await this.tenants.recordDatabaseCreated(tenant.id);
      return database;
    });
    const { origin } = database;
    stopwatch.lap('database');
    const schema = await step('migrations', {}, () => provisioner.migrate(spec, database));
    stopwatch.lap('migrations');
    const seeds = await step('seeds', {}, () => provisioner.seed(spec, database));
    stopwatch.lap('seeds');
    // Master records where the database stands, so a fleet rollout skips a current tenant on one read.
    await step('ready', {}, async () => this.events.publish(await this.tenants.markReady(tenant.id, schema)));
    this.metrics.recordReady(origin, stopwatch);
    this.logger.info({ origin, seeds, server }, 'tenant database ready');
  }

  /** An unreachable or full server, or a migration file that cannot load, is not the tenant's fault: it never makes the tenant `failed`. */
  private async recordFailure(tenantId: string, error: unknown, final: boolean): Promise<void> {
    const terminal =
      final && !isConnectionError(error) && !isMigrationLoadError(error) && !isTenantError(error, 'no_server_capacity');
    try {
      const tenant = await this.tenants.recordAttemptFailure(tenantId, describe(error), terminal);
      if (terminal) await this.events.publish(tenant);
    } catch (recordingError) {
      this.logger.warn({ err: recordingError }, 'could not record the failed attempt; the reconciler will retry');
    }
  }
}

/** A provisioning step's span, child of the job's; its attributes never hold the tenant's password. */
function step<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  return inSpan(`provisioning.${name}`, { attributes }, work);
}

function describe(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}

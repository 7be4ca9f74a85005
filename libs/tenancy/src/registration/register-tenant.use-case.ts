import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { isTenantError, TenantError } from '../errors/tenant-error';
import { assertNotReserved, opaqueDatabaseName, slugForTenantName, tenantDatabaseName } from '../naming/tenant-naming';
import { TenantRepository } from '../registry/tenant.repository';
import { TenantPlacement } from '../servers/tenant-placement';
import { QueuedTenant, TenantEnqueuer } from './tenant-enqueuer';

export interface Registration {
  name: string;
  /** The database server to place it on; by default the active one with the most room. */
  server?: string;
  /** Makes a retried request answer with the tenant and job of the first. */
  idempotencyKey?: string;
}

/**
 * Records a pending tenant, placed on a server, and queues its provisioning. The row is written
 * first, so a queue outage loses nothing: the tenant stays pending and the worker's reconciler
 * queues it. With every server full it is recorded unplaced and queued all the same; the caller
 * is told (503), and the worker provisions it once a server has room.
 */
@Injectable()
export class RegisterTenant {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly enqueuer: TenantEnqueuer,
    private readonly placement: TenantPlacement,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'tenants'>,
  ) {}

  async execute({ name, server, idempotencyKey }: Registration): Promise<QueuedTenant> {
    const slug = slugForTenantName(name);
    const dbName = this.databaseNameFor(slug);
    assertNotReserved(dbName, this.config.tenants.reservedDatabaseNames);
    const idempotency = idempotencyKey ? { key: idempotencyKey, requestHash: hashRequest(slug, server) } : undefined;
    if (idempotency) {
      const earlier = await this.replay(idempotency);
      if (earlier) return earlier;
    }
    try {
      const tenant = await this.tenants.create({ name: name.trim(), slug, dbName }, this.placement.choiceFor(server), idempotency);
      const jobId = await this.enqueuer.enqueueNew(tenant);
      if (!tenant.server) throw TenantError.noServerCapacity(tenant.id);
      return { tenant, jobId };
    } catch (error) {
      // A concurrent request with the same key won the race: answer as it did.
      const earlier = isTenantError(error, 'slug_taken') && idempotency && (await this.replay(idempotency));
      if (earlier) return earlier;
      throw error;
    }
  }

  private databaseNameFor(slug: string): string {
    const { databasePrefix: prefix, databaseNaming } = this.config.tenants;
    return databaseNaming === 'opaque' ? opaqueDatabaseName(prefix) : tenantDatabaseName(prefix, slug);
  }

  private async replay(idempotency: { key: string; requestHash: string }): Promise<QueuedTenant | undefined> {
    const earlier = await this.tenants.findByIdempotencyKey(idempotency.key);
    if (!earlier) return undefined;
    if (earlier.requestHash !== idempotency.requestHash) throw TenantError.idempotencyKeyReused();
    const tenant = await this.tenants.getById(earlier.tenantId);
    return { ...(await this.enqueuer.ensureQueuedIfPending(tenant)), replayed: true };
  }
}

/**
 * Requests that map to the same tenant on the same server count as the same request. Without a
 * server the hash is the slug's alone, as it was before servers could be named, so a key recorded
 * then still replays.
 */
function hashRequest(slug: string, server?: string): string {
  const request = server === undefined ? slug : `${slug}\0server\0${server}`;
  return createHash('sha256').update(request).digest('hex');
}

import { Injectable } from '@nestjs/common';
import { TenantError } from '../errors/tenant-error';
import type { Tenant } from '../registry/tenant';
import { ChangeDatabaseServer } from '../servers/change-database-server.use-case';
import type { DatabaseServerUsage } from '../servers/database-server';
import { lifecycleJobId } from './lifecycle.constants';
import { MoveTenant } from './move-tenant.use-case';
import { TenantMoveRepository } from './tenant-move.repository';

export interface DrainMove {
  tenantId: string;
  slug: string;
  to: string;
  jobId: string;
}

export interface DrainStay {
  tenantId: string;
  slug: string;
  reason: string;
}

/** The server as it now is (draining), the moves under way off it, and the tenants that stay, saying why. */
export interface DrainReport {
  server: DatabaseServerUsage;
  moving: DrainMove[];
  staying: DrainStay[];
}

/**
 * Empties a server: `draining` first (no new tenant is placed on it), then every ready tenant on it
 * moved to the active server with the most room left at that moment (tenants moving onto a
 * server count). A tenant that is not ready, or has another operation under way, stays and is
 * reported; asking again later moves what can be moved then. Moves already under way are reported, not repeated.
 */
@Injectable()
export class DrainDatabaseServer {
  constructor(
    private readonly servers: ChangeDatabaseServer,
    private readonly moves: TenantMoveRepository,
    private readonly move: MoveTenant,
  ) {}

  async execute(name: string): Promise<DrainReport> {
    const server = await this.servers.execute(name, { state: 'draining' });
    const report: DrainReport = { server, moving: [], staying: [] };
    for (const tenant of await this.moves.tenantsOn(name)) {
      const { id: tenantId, slug } = tenant;
      if (tenant.operation === 'move' && tenant.moveTarget) {
        report.moving.push({ tenantId, slug, to: tenant.moveTarget, jobId: lifecycleJobId(tenantId, 'move') });
        continue;
      }
      const reason = await this.moveOff(tenant, name, report);
      if (reason) report.staying.push({ tenantId, slug, reason });
    }
    return report;
  }

  /** Undefined when its move was accepted; otherwise why it stays. */
  private async moveOff(tenant: Tenant, server: string, report: DrainReport): Promise<string | undefined> {
    if (tenant.status !== 'ready') return `it is ${tenant.status}; only a ready tenant is moved`;
    if (tenant.operation) return `its ${tenant.operation} is under way`;
    const target = await this.moves.roomiestServer(server);
    if (!target) return 'no other active server has room';
    try {
      const { jobId } = await this.move.execute(tenant.id, target);
      report.moving.push({ tenantId: tenant.id, slug: tenant.slug, to: target, jobId });
      return undefined;
    } catch (error) {
      if (error instanceof TenantError && error.code !== 'queue_unavailable') return error.message;
      throw error;
    }
  }
}

import { Injectable } from '@nestjs/common';
import { TenantRoleLogin } from '../credentials/tenant-role-login';
import { TenantReferences } from './tenant-references';
import type { TenantStatus } from '../registry/tenant';
import { TenantMigrationFiles } from '../tenant-databases/tenant-migration-files';
import { inCanary, RolloutOptions } from './rollout';
import { PreviewedTenant, RolloutRepository } from './rollout.repository';
import { migrationOptions } from './start-migration-rollout.use-case';

export interface PlannedTenant {
  tenantId: string;
  slug: string;
  status: TenantStatus;
  position: number;
  canary: boolean;
  /** The migrations a rollout would apply to this tenant, in order; null when they could not be read (see `error`). */
  pending: string[] | null;
  error: string | null;
}

export interface RolloutPlan {
  dryRun: true;
  kind: 'migrate';
  targetFingerprint: string;
  options: RolloutOptions;
  totals: { total: number; current: number; behind: number; unknown: number };
  tenants: PlannedTenant[];
}

/** Connections opened at once, each as a tenant's role. */
const AT_ONCE = 4;

/**
 * A migration rollout's dry run: which migrations would run where, read as each tenant's own
 * role (a tenant master records as current is not even connected to). Nothing is recorded.
 */
@Injectable()
export class PlanMigrationRollout {
  constructor(
    private readonly rollouts: RolloutRepository,
    private readonly references: TenantReferences,
    private readonly files: TenantMigrationFiles,
    private readonly login: TenantRoleLogin,
  ) {}

  async execute(request: RolloutOptions = {}): Promise<RolloutPlan> {
    const options = migrationOptions(request);
    const selection = await this.references.selectionFor(options);
    const [{ fingerprint }, tenants] = await Promise.all([this.files.version(), this.rollouts.preview(selection)]);
    const planned: PlannedTenant[] = [];
    for (let start = 0; start < tenants.length; start += AT_ONCE) {
      const batch = tenants.slice(start, start + AT_ONCE);
      planned.push(...(await Promise.all(batch.map((tenant) => this.plan(tenant, fingerprint, options)))));
    }
    const behind = planned.filter((tenant) => tenant.pending?.length).length;
    const unknown = planned.filter((tenant) => tenant.pending === null).length;
    return {
      dryRun: true,
      kind: 'migrate',
      targetFingerprint: fingerprint,
      options,
      totals: { total: planned.length, current: planned.length - behind - unknown, behind, unknown },
      tenants: planned,
    };
  }

  private async plan(tenant: PreviewedTenant, target: string, options: RolloutOptions): Promise<PlannedTenant> {
    const planned = {
      tenantId: tenant.id,
      slug: tenant.slug,
      status: tenant.status,
      position: tenant.position,
      canary: inCanary(tenant.position, options),
    };
    if (tenant.schemaFingerprint === target) return { ...planned, pending: [], error: null };
    if (tenant.status !== 'ready' || !tenant.dbPasswordEncrypted) {
      return { ...planned, pending: null, error: `tenant is ${tenant.status}; only a ready tenant's database is migrated` };
    }
    try {
      return { ...planned, pending: await this.login.run(tenant, (client) => this.files.pendingIn(client)), error: null };
    } catch (error) {
      return { ...planned, pending: null, error: (error as Error).message };
    }
  }
}

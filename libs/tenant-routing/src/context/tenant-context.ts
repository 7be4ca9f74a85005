import type { Knex } from 'knex';

/** The tenant a request (or a `TenantDb.runFor` call) is for, kept in nestjs-cls's store. */
export interface CurrentTenant {
  id: string;
  slug: string;
}

export interface TenantContext {
  tenant: CurrentTenant;
  knex: Knex;
}

export const TENANT_CONTEXT = 'tenant-routing.context';

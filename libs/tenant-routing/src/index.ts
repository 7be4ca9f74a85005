// The tenant data plane's front door: what a Nest app imports to route requests to tenant databases.
export * from './connections/connection-budget';
export * from './connections/tenant-db';
export * from './connections/tenant-pool.metrics';
export * from './connections/tenant-pools';
export * from './context/no-tenant.decorator';
export * from './context/tenant-context';
export * from './resolution/tenant-references';
export * from './resolution/tenant-routes.openapi';
export * from './tenant-routing.module';

import type { DatabaseServerReport } from './list-database-servers.use-case';

/**
 * A server as operators see it, through the admin api and the CLI alike. `address` never carries
 * credentials; it is null for `default`, whose URL is each process's TENANT_DATABASE_URL.
 */
export function databaseServerView(server: DatabaseServerReport) {
  return {
    name: server.name,
    address: server.address,
    capacity: server.capacity,
    tenants: server.tenants,
    free: server.capacity - server.tenants,
    state: server.state,
    reachable: server.reachable,
    unreachableReason: server.unreachableReason ?? null,
    createdAt: server.createdAt,
    updatedAt: server.updatedAt,
  };
}
export type DatabaseServerView = ReturnType<typeof databaseServerView>;

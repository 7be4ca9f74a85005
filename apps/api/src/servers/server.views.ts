import type { DatabaseServerReport } from '@app/tenancy';

/**
 * A server as the admin api shows it. `address` never carries credentials; it is null for
 * `default`, whose URL is each process's TENANT_DATABASE_URL.
 */
export function serverView(server: DatabaseServerReport) {
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

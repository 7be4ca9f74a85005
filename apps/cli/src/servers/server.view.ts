import type { DatabaseServerReport } from '@app/tenancy';
import { textDetails, textTable, textValue } from '../output/text-table';

/**
 * A server as the CLI shows it: the fields of the admin api's `GET /servers/:name`. `address` never
 * carries credentials; it is null for `default`, whose URL is TENANT_DATABASE_URL.
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
export type ServerView = ReturnType<typeof serverView>;

export function serversText(servers: ServerView[]): string {
  const header = ['NAME', 'STATE', 'TENANTS', 'REACHABLE', 'ADDRESS'];
  const row = (s: ServerView) => [s.name, s.state, `${s.tenants}/${s.capacity}`, reachableText(s), addressText(s)];
  return textTable([header, ...servers.map(row)]);
}

export function serverText(server: ServerView): string {
  return textDetails(Object.entries({ ...server, address: addressText(server) }));
}

function reachableText({ reachable, unreachableReason }: ServerView): string {
  return reachable ? 'yes' : `no (${textValue(unreachableReason)})`;
}

function addressText({ address }: ServerView): string {
  return address ?? '(TENANT_DATABASE_URL)';
}

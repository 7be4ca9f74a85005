import type { DatabaseServerView as ServerView } from '@app/tenancy';
import { textDetails, textTable, textValue } from '../output/text-table';

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

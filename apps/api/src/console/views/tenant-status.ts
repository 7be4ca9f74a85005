import type { Tenant } from '@app/tenancy';
import { html, SafeHtml } from '../html/html';

/**
 * A tenant's status, as a badge the console's script keeps current from the tenant's event stream
 * (data-watch) while the tenant is not at rest.
 */
export function statusBadge(tenant: Pick<Tenant, 'id' | 'status' | 'operation'>, atRest: boolean): SafeHtml {
  return html`<span class="status status-${tenant.status}" data-field="status" ${!atRest && html`data-watch="${tenant.id}"`}
    >${tenant.status}${tenant.operation && ` (${tenant.operation})`}</span
  >`;
}

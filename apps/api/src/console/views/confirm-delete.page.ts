import type { Tenant } from '@app/tenancy';
import { html, SafeHtml } from '../html/html';
import { csrfField, layout, PageFrame } from './layout';

export function confirmDeletePage(frame: PageFrame, tenant: Tenant, retentionDays: number): SafeHtml {
  return layout(
    frame,
    `Delete ${tenant.name}?`,
    html`<p>
        Its apps lose access at once. Its database is kept for ${retentionDays} days, then backed up and dropped; until then it can be
        restored through the api (<code>POST /org/${tenant.id}/restore</code>).
      </p>
      <form method="post" action="/console/tenants/${tenant.id}/delete" class="inline">
        ${csrfField(frame)}<button type="submit" class="danger">Delete ${tenant.name}</button>
        <a href="/console/tenants/${tenant.id}">Cancel</a>
      </form>`,
  );
}

import type { Tenant } from '@app/tenancy';
import { html, SafeHtml } from '../html/html';
import { csrfField, layout, PageFrame } from './layout';

export function confirmDeletePage(frame: PageFrame, tenant: Tenant, retentionDays: number): SafeHtml {
  return layout(
    frame,
    `Delete ${tenant.name}?`,
    html`<p>
        Its apps lose access at once.
        ${
          retentionDays === 0
            ? 'Its database is backed up and dropped right away.'
            : `Its database is kept for ${retentionDays} days, then backed up and dropped; until then the tenant can be restored through the api (POST /org/${tenant.id}/restore).`
        }
      </p>
      <form method="post" action="/console/tenants/${tenant.id}/delete" class="inline">
        ${csrfField(frame)}<button type="submit" class="danger">Delete ${tenant.name}</button>
        <a href="/console/tenants/${tenant.id}">Cancel</a>
      </form>`,
  );
}

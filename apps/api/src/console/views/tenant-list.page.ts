import { isAtRest, Tenant, TENANT_STATUSES, TenantPage } from '@app/tenancy';
import { html, SafeHtml } from '../html/html';
import { csrfField, layout, PageFrame } from './layout';
import { statusBadge } from './tenant-status';

export interface TenantListFilter {
  search?: string;
  status?: string;
}

export function tenantListPage(frame: PageFrame, filter: TenantListFilter, page: TenantPage, isFirstPage: boolean): SafeHtml {
  return layout(
    frame,
    'Tenants',
    html`<section aria-labelledby="new-tenant">
        <h2 id="new-tenant">New tenant</h2>
        <form method="post" action="/console/tenants" class="inline">
          ${csrfField(frame)}
          <label for="new-name">Tenant name</label>
          <input id="new-name" name="name" required maxlength="200" />
          <button type="submit">Create tenant</button>
        </form>
      </section>
      <section aria-labelledby="all-tenants">
        <h2 id="all-tenants">All tenants</h2>
        <form method="get" action="/console" role="search" class="inline">
          <label for="search">Search by name</label>
          <input id="search" name="q" type="search" value="${filter.search}" />
          <label for="status-filter">Status</label>
          <select id="status-filter" name="status">
            <option value="">any</option>
            ${TENANT_STATUSES.map((status) => html`<option ${status === filter.status && 'selected'}>${status}</option>`)}
          </select>
          <button type="submit">Search</button>
        </form>
        ${page.tenants.length === 0 ? html`<p>No tenant matches.</p>` : tenantTable(page.tenants)}
        ${pageLinks(filter, page, isFirstPage)}
      </section>`,
  );
}

function tenantTable(tenants: Tenant[]): SafeHtml {
  return html`<table>
    <caption>
      Newest first
    </caption>
    <thead>
      <tr>
        <th scope="col">Name</th>
        <th scope="col">Status</th>
        <th scope="col">Step</th>
        <th scope="col">Server</th>
        <th scope="col">Created</th>
      </tr>
    </thead>
    <tbody>
      ${tenants.map(
        (tenant) =>
          html`<tr data-tenant="${tenant.id}" data-name="${tenant.name}">
            <th scope="row"><a href="/console/tenants/${tenant.id}">${tenant.name}</a></th>
            <td>${statusBadge(tenant, isAtRest(tenant))}</td>
            <td data-field="step">${tenant.step}</td>
            <td data-field="server">${tenant.server}</td>
            <td><time datetime="${tenant.createdAt}">${tenant.createdAt.toISOString().slice(0, 16).replace('T', ' ')}</time></td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

function pageLinks(filter: TenantListFilter, page: TenantPage, isFirstPage: boolean): SafeHtml {
  const query = (after?: string) =>
    new URLSearchParams(
      Object.entries({ q: filter.search, status: filter.status, after }).filter((entry): entry is [string, string] => !!entry[1]),
    ).toString();
  if (isFirstPage && !page.nextCursor) return html``;
  return html`<nav aria-label="Pages" class="pages">
    ${!isFirstPage && html`<a href="/console?${query()}">First page</a>`}
    ${page.nextCursor && html`<a href="/console?${query(page.nextCursor)}" rel="next">Next page</a>`}
  </nav>`;
}

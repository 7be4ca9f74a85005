import { ApiKeySummary, isAtRest, SchemaVersion, Tenant, TenantStatus } from '@app/tenancy';
import { html, SafeHtml } from '../html/html';
import { csrfField, layout, PageFrame } from './layout';
import { statusBadge } from './tenant-status';

/** The statuses each action applies to; the console's script shows and hides them as the status changes. */
const ACTIONS: { label: string; path: string; when: TenantStatus[] }[] = [
  { label: 'Retry provisioning', path: 'retry', when: ['failed'] },
  { label: 'Suspend', path: 'suspend', when: ['ready'] },
  { label: 'Resume', path: 'resume', when: ['suspended'] },
  { label: 'Rotate database password', path: 'credentials', when: ['ready'] },
];
const DELETABLE: TenantStatus[] = ['ready', 'suspended', 'failed'];

/** `current`: where this service's tenant migrations bring a database, to tell a tenant behind them. */
export function tenantPage(frame: PageFrame, tenant: Tenant, apiKeys: ApiKeySummary[], current: SchemaVersion): SafeHtml {
  const atRest = isAtRest(tenant);
  const shown = (when: TenantStatus[]) =>
    html`data-when="${when.join(' ')}" ${!(atRest && when.includes(tenant.status)) && 'hidden'}`;
  return layout(
    frame,
    tenant.name,
    html`<p><a href="/console">All tenants</a></p>
      <section aria-labelledby="state" data-tenant="${tenant.id}" data-name="${tenant.name}">
        <h2 id="state">State</h2>
        <dl class="facts">
          <dt>Status</dt>
          <dd>${statusBadge(tenant, atRest)}</dd>
          <dt>Step</dt>
          <dd data-field="step">${tenant.step}</dd>
          <dt>Attempts</dt>
          <dd data-field="attempts">${tenant.attempts}</dd>
          <dt>Error</dt>
          <dd data-field="error">${tenant.lastError ?? tenant.operationError}</dd>
          <dt>Server</dt>
          <dd data-field="server">${tenant.server}</dd>
          <dt>Database</dt>
          <dd><code>${tenant.dbName}</code></dd>
          <dt>Schema version</dt>
          <dd data-field="schema" data-current="${current.fingerprint}">
            ${schemaText({ migration: tenant.schemaMigration, fingerprint: tenant.schemaFingerprint }, current.fingerprint)}
          </dd>
          <dt>Created</dt>
          <dd><time datetime="${tenant.createdAt}">${tenant.createdAt.toISOString()}</time></dd>
        </dl>
      </section>
      <section aria-labelledby="actions">
        <h2 id="actions">Actions</h2>
        <div class="actions" data-tenant="${tenant.id}">
          ${ACTIONS.map(
            ({ label, path, when }) =>
              html`<form method="post" action="/console/tenants/${tenant.id}/${path}" ${shown(when)}>
                ${csrfField(frame)}<button type="submit">${label}</button>
              </form>`,
          )}
          <a class="button danger" href="/console/tenants/${tenant.id}/delete" ${shown(DELETABLE)}>Delete…</a>
        </div>
      </section>
      <section aria-labelledby="api-keys">
        <h2 id="api-keys">API keys</h2>
        ${apiKeys.length === 0 ? html`<p>No active API key.</p>` : apiKeyTable(frame, tenant, apiKeys)}
        <form method="post" action="/console/tenants/${tenant.id}/api-keys">
          ${csrfField(frame)}<button type="submit">Issue an API key</button>
        </form>
      </section>`,
  );
}

function apiKeyTable(frame: PageFrame, tenant: Tenant, apiKeys: ApiKeySummary[]): SafeHtml {
  return html`<table>
    <thead>
      <tr>
        <th scope="col">Key</th>
        <th scope="col">Created</th>
        <th scope="col">Last used</th>
        <th scope="col"><span class="visually-hidden">Revoke</span></th>
      </tr>
    </thead>
    <tbody>
      ${apiKeys.map(
        (key) =>
          html`<tr>
            <th scope="row"><code>${key.prefix}…</code></th>
            <td>${key.createdAt.toISOString()}</td>
            <td>${key.lastUsedAt?.toISOString() ?? 'never'}</td>
            <td>
              <form method="post" action="/console/tenants/${tenant.id}/api-keys/${key.id}/revoke">
                ${csrfField(frame)}<button type="submit" aria-label="Revoke ${key.prefix}…">Revoke</button>
              </form>
            </td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** The same words as the console's script writes when the version changes under the page (console.js, schemaText). */
function schemaText(schema: { migration: string | null; fingerprint: string | null }, current: string): string {
  if (!schema.fingerprint) return 'unknown';
  const standing = schema.fingerprint === current ? 'current' : "behind this service's migrations";
  return `${schema.migration ?? 'none'} (${schema.fingerprint.slice(0, 12)}), ${standing}`;
}

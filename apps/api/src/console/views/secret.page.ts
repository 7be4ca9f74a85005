import { html, SafeHtml } from '../html/html';
import { layout, PageFrame } from './layout';

/** A secret shown this once (a new API key, a new database password): the api keeps only its hash or ciphertext. */
export function secretPage(
  frame: PageFrame,
  title: string,
  tenant: { id: string; name: string },
  facts: [string, string][],
): SafeHtml {
  return layout(
    frame,
    title,
    html`<p role="status">Copy it now: it is shown this once and cannot be shown again.</p>
      <dl class="facts secret">
        ${facts.map(
          ([label, value]) =>
            html`<dt>${label}</dt>
              <dd><code>${value}</code></dd>`,
        )}
      </dl>
      <p><a href="/console/tenants/${tenant.id}">Back to ${tenant.name}</a></p>`,
  );
}

import type { RolloutSummary } from '@app/tenancy';
import { html, SafeHtml } from '../html/html';
import { layout, PageFrame } from './layout';

/** How far a rollout got: tenants dealt with (migrated, skipped, failed, cancelled) out of all of them. */
function progress({ totals }: RolloutSummary): SafeHtml {
  const settled = totals.total - totals.pending - totals.queued - totals.running;
  return html`<progress value="${settled}" max="${Math.max(totals.total, 1)}" aria-label="Tenants dealt with">${settled}</progress>
    ${settled} of ${totals.total}: ${totals.migrated} migrated, ${totals.skipped} skipped, ${totals.failed} failed
    ${totals.cancelled > 0 && html`, ${totals.cancelled} cancelled`}`;
}

export function rolloutsPage(frame: PageFrame, rollouts: RolloutSummary[]): SafeHtml {
  if (rollouts.length === 0) return layout(frame, 'Rollouts', html`<p>No rollout yet.</p>`);
  return layout(
    frame,
    'Rollouts',
    html`<p>Tenant migrations and rollbacks across the fleet, newest first. Reload the page for fresh progress.</p>
      <table>
        <caption>
          The latest rollouts
        </caption>
        <thead>
          <tr>
            <th scope="col">Started</th>
            <th scope="col">Kind</th>
            <th scope="col">State</th>
            <th scope="col">Progress</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          ${rollouts.map(
            (rollout) =>
              html`<tr>
                <th scope="row"><time datetime="${rollout.createdAt}">${rollout.createdAt.toISOString()}</time></th>
                <td>${rollout.kind}</td>
                <td>${rollout.state}</td>
                <td>${progress(rollout)}</td>
                <td>${rollout.error}</td>
              </tr>`,
          )}
        </tbody>
      </table>`,
  );
}

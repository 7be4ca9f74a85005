import { html, SafeHtml } from '../html/html';

/** What every page of one operator's session shares: its CSRF token, and whether there is a login to end. */
export interface PageFrame {
  csrfToken?: string;
  canLogOut: boolean;
}

export function csrfField(frame: PageFrame): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${frame.csrfToken}" />`;
}

/** A whole page: a skip link, the console's navigation, and the page's own content in <main>. */
export function layout(frame: PageFrame, title: string, content: SafeHtml): SafeHtml {
  return html`<html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>${title} · Tenant console</title>
      <link rel="stylesheet" href="/console/assets/console.css" />
      <script src="/console/assets/console.js" defer></script>
    </head>
    <body>
      <a class="skip-link" href="#main">Skip to content</a>
      <header class="top">
        <p class="brand">Tenant console</p>
        <nav aria-label="Console">
          <ul>
            <li><a href="/console">Tenants</a></li>
            <li><a href="/console/rollouts">Rollouts</a></li>
            <li><a href="/admin/queues">Queues</a></li>
          </ul>
        </nav>
        ${
          frame.canLogOut &&
          html`<form method="post" action="/console/logout" class="logout">
            ${csrfField(frame)}<button type="submit">Log out</button>
          </form>`
        }
      </header>
      <main id="main" tabindex="-1">
        <h1>${title}</h1>
        ${content}
        <p id="live-status" class="visually-hidden" role="status" aria-live="polite"></p>
      </main>
    </body>
  </html>`;
}

import { html, SafeHtml } from '../html/html';
import { layout, PageFrame } from './layout';

export function errorPage(frame: PageFrame, title: string, message: string): SafeHtml {
  return layout(
    frame,
    title,
    html`<p class="error" role="alert">${message}</p>
      <p><a href="/console">Back to the tenants</a></p>`,
  );
}

import { html, SafeHtml } from '../html/html';
import { layout } from './layout';

export interface LoginForm {
  returnTo: string;
  error?: string;
}

export function loginPage({ returnTo, error }: LoginForm): SafeHtml {
  return layout(
    { canLogOut: false },
    'Log in',
    html`${error && html`<p class="error" role="alert" id="login-error">${error}</p>`}
      <form method="post" action="/console/login" class="stacked">
        <input type="hidden" name="returnTo" value="${returnTo}" />
        <label for="key">Admin API key</label>
        <input
          id="key"
          name="key"
          type="password"
          autocomplete="current-password"
          required
          autofocus
          ${error && html`aria-invalid="true" aria-describedby="login-error"`}
        />
        <button type="submit">Log in</button>
      </form>`,
  );
}

import { html } from './html';

describe('html', () => {
  it('escapes values in text and attributes, and keeps markup made by html', () => {
    const name = `<script>alert("x")</script> & 'co'`;
    const link = html`<a href="/t?q=${name}">${name}</a>`;
    expect(html`<p>${link}</p>`.markup).toBe(
      '<p><a href="/t?q=&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;">' +
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</a></p>',
    );
  });

  it('joins arrays and renders nothing for null, undefined and false', () => {
    const items = ['<a>', 'b'].map((item) => html`<li>${item}</li>`);
    expect(
      html`<ul>
        ${items}
      </ul>`.markup.replace(/\s+/g, ''),
    ).toBe('<ul><li>&lt;a&gt;</li><li>b</li></ul>');
    expect(html`${null}${undefined}${false}${0}`.markup).toBe('0');
  });
});

// Live tenant status for the console's pages: each tenant shown with data-watch follows its
// event stream (GET /org/:id/events, authorized by the session cookie) until it is at rest.
'use strict';

(function followTenants() {
  // A browser opens at most 6 connections to one host: leave room for the pages themselves.
  const MAX_STREAMS = 4;
  const SETTLED = ['ready', 'failed', 'suspended', 'deleted', 'purged'];
  const waiting = [];
  let open = 0;

  function tenantElements(tenantId) {
    return document.querySelectorAll(`[data-tenant="${CSS.escape(tenantId)}"]`);
  }

  function show(view) {
    for (const scope of tenantElements(view.id)) {
      for (const field of scope.querySelectorAll('[data-field]')) {
        const name = field.dataset.field;
        if (name === 'status') {
          field.textContent = view.operation ? `${view.status} (${view.operation})` : view.status;
          field.className = `status status-${view.status}`;
        } else if (name === 'error') {
          field.textContent = view.error ?? view.operationError ?? '';
        } else if (name === 'schema') {
          field.textContent = schemaText(view.schema, field.dataset.current);
        } else if (name in view) {
          field.textContent = view[name] ?? '';
        }
      }
      for (const action of scope.querySelectorAll('[data-when]')) {
        action.hidden = !(isAtRest(view) && action.dataset.when.split(' ').includes(view.status));
      }
    }
  }

  // The same words as the tenant page renders (tenant.page.ts, schemaText).
  function schemaText(schema, current) {
    if (!schema.fingerprint) return 'unknown';
    const standing = schema.fingerprint === current ? 'current' : "behind this service's migrations";
    return `${schema.migration ?? 'none'} (${schema.fingerprint.slice(0, 12)}), ${standing}`;
  }

  function isAtRest(view) {
    return SETTLED.includes(view.status) && !view.operation;
  }

  function announce(view) {
    const region = document.getElementById('live-status');
    if (region) region.textContent = `${view.name}: ${view.operation ? `${view.status}, ${view.operation} under way` : view.status}`;
  }

  function follow(tenantId) {
    open += 1;
    const stream = new EventSource(`/org/${encodeURIComponent(tenantId)}/events`);
    let last;
    const done = () => {
      stream.close();
      open -= 1;
      next();
    };
    stream.addEventListener('status', (event) => {
      const view = JSON.parse(event.data);
      if (last && (last.status !== view.status || last.operation !== view.operation)) announce(view);
      last = view;
      show(view);
      // The server ends the stream here; closing it first keeps EventSource from reconnecting.
      if (isAtRest(view)) done();
    });
    stream.addEventListener('error', () => {
      if (stream.readyState === EventSource.CLOSED) done();
    });
  }

  function next() {
    while (open < MAX_STREAMS && waiting.length > 0) follow(waiting.shift());
  }

  const ids = new Set(Array.from(document.querySelectorAll('[data-watch]'), (element) => element.dataset.watch));
  waiting.push(...ids);
  next();
})();

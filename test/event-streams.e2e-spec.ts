import { http } from './support/http';
import { createOrg } from './support/tenant-client';
import { useRunningStack } from './support/running-stack';
import { TestStack } from './support/test-stack';
import { waitFor } from './support/wait-for';

/** Without a worker the tenants stay pending, so their streams have nothing to say. */
describe('Server-Sent Event streams', () => {
  const world = useRunningStack(
    { SSE_MAX_STREAMS: '1', SSE_MAX_SECONDS: '3', HTTP_CONNECTION_TIMEOUT_MS: '1000', HTTP_REQUEST_TIMEOUT_MS: '1000' },
    0,
  );

  const eventsUrl = (id: string) => `${world.api}/org/${id}/events`;

  it('sends heartbeats while a stream has nothing to say, and ends it after SSE_MAX_SECONDS', async () => {
    const tenant = await createOrg(world.api, 'Quiet Co');
    const startedAt = Date.now();
    const response = await fetch(eventsUrl(tenant.id), { signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    const lastedMs = Date.now() - startedAt;

    expect(lastedMs).toBeGreaterThanOrEqual(2900);
    expect(lastedMs).toBeLessThan(6000);
    expect(text.match(/^event: status$/gm)).toHaveLength(1);
    expect(text.match(/^event: heartbeat$/gm)!.length).toBeGreaterThanOrEqual(5);
  });

  it('answers 503 naming SSE_MAX_STREAMS while the limit is reached, and opens again once a stream ends', async () => {
    const tenant = await createOrg(world.api, 'Busy Co');
    const first = new AbortController();
    const open = await fetch(eventsUrl(tenant.id), { signal: first.signal });
    await open.body!.getReader().read();

    const refused = await http(world.api, 'GET', `/org/${tenant.id}/events`);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    expect(refused.body.message).toMatch(/SSE_MAX_STREAMS/);

    first.abort();
    await waitFor('a stream to be admitted again', async () => {
      const next = new AbortController();
      const answer = await fetch(eventsUrl(tenant.id), { signal: next.signal });
      next.abort();
      return answer.status === 200 || undefined;
    });
  });
});

describe('Server-Sent Event streams when the api shuts down', () => {
  const stack = new TestStack();
  afterAll(() => stack.teardown());

  it('ends every open stream first, so closing does not wait out SSE_MAX_SECONDS', async () => {
    const api = await stack.startApi();
    const tenant = await createOrg(api, 'Closing Co');
    const response = await fetch(`${api}/org/${tenant.id}/events`);
    const reader = response.body!.getReader();
    await reader.read();
    const ended = (async () => {
      while (!(await reader.read()).done);
      return true;
    })();
    const closing = Date.now();
    await stack.closeApps();
    expect(Date.now() - closing).toBeLessThan(5_000);
    expect(await ended).toBe(true);
  });
});

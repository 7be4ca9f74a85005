import { http } from './support/http';
import { createOrg, waitForStatus } from './support/tenant-client';
import { useRunningStack } from './support/running-stack';

describe('provisioning a tenant end to end', () => {
  const world = useRunningStack();
  const { stack } = world;

  it('answers 202 at once, then the worker makes a migrated database and marks it ready', async () => {
    const created = await createOrg(world.api, 'AcmeCorp');
    expect(created).toMatchObject({
      name: 'AcmeCorp',
      dbName: `${stack.config.tenants.databasePrefix}acmecorp`,
      status: 'pending',
      jobId: `provision-${created.id}`,
      statusUrl: `/org/${created.id}/status`,
    });

    const ready = await waitForStatus(world.api, created.id, ['ready', 'failed']);
    expect(ready).toMatchObject({ status: 'ready', step: 'ready', attempts: 1, error: null });
    expect(ready.readyAt).not.toBeNull();
    // The schema version master recorded when it turned ready, in the status answer itself.
    expect(ready.schema).toEqual({ migration: expect.any(String), fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) });

    const columns = await stack.query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'users' ORDER BY ordinal_position",
      [],
      created.dbName,
    );
    expect(columns.map((column) => column.column_name)).toEqual(['id', 'name', 'email']);
    expect(await stack.tenantDatabases()).toEqual([created.dbName]);
  });

  it('shows a tenant and lists tenants by status, page by page', async () => {
    const second = await createOrg(world.api, 'Globex Corporation');
    await waitForStatus(world.api, second.id, ['ready']);

    const one = await http(world.api, 'GET', `/org/${second.id}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: second.id, slug: 'globex_corporation', status: 'ready' });

    const firstPage = await http(world.api, 'GET', '/org?status=ready&limit=1');
    expect(firstPage.body.items).toHaveLength(1);
    expect(firstPage.body.items[0].id).toBe(second.id);
    const secondPage = await http(world.api, 'GET', `/org?status=ready&limit=1&after=${firstPage.body.nextCursor}`);
    expect(secondPage.body.items.map((item: { name: string }) => item.name)).toEqual(['AcmeCorp']);
    expect(secondPage.body.nextCursor).toBeNull();

    const pending = await http(world.api, 'GET', '/org?status=pending');
    expect(pending.body.items).toEqual([]);
  });

  it('streams status changes over Server-Sent Events until ready', async () => {
    const created = await createOrg(world.api, 'Initech');
    const response = await fetch(`${world.api}/org/${created.id}/events`);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    const statuses = [...text.matchAll(/^data: (.*)$/gm)].map((match) => JSON.parse(match[1]!).status);
    expect(statuses[statuses.length - 1]).toBe('ready');
    expect(text).toContain('event: status');
  });

  it('reports both dependencies healthy', async () => {
    const health = await http(world.api, 'GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body.details).toMatchObject({ master_database: { status: 'up' }, redis: { status: 'up' } });
  });
});

import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApiApp } from '../apps/api/src/api.app';
import { TenantStatusFeed } from '../apps/api/src/events/tenant-status.feed';
import { createOrg, waitForStatus } from './support/tenant-client';
import { TestStack } from './support/test-stack';
import { waitFor } from './support/wait-for';

async function startApi(stack: TestStack): Promise<{ app: NestFastifyApplication; url: string }> {
  const app = await createApiApp(stack.config);
  await app.listen(0, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}` };
}

/** Two deployments (different QUEUE_PREFIX) on one Redis. */
describe('tenant status events', () => {
  const ours = new TestStack();
  const theirs = new TestStack();
  const apis: NestFastifyApplication[] = [];

  afterAll(async () => {
    await Promise.all(apis.map((app) => app.close()));
    await Promise.all([ours.teardown(), theirs.teardown()]);
  });

  it("reach the api of the worker's own deployment only", async () => {
    const ourApi = await startApi(ours);
    const theirApi = await startApi(theirs);
    apis.push(ourApi.app, theirApi.app);
    await ours.startWorker();
    const heardByUs = jest.spyOn(ourApi.app.get(TenantStatusFeed), 'push');
    const heardByThem = jest.spyOn(theirApi.app.get(TenantStatusFeed), 'push');

    const created = await createOrg(ourApi.url, 'Broadcast Inc');
    await waitForStatus(ourApi.url, created.id, ['ready']);
    await waitFor(
      'our api to hear that the tenant is ready',
      async () => heardByUs.mock.calls.some(([event]) => event.tenantId === created.id && event.status === 'ready') || undefined,
    );
    expect(heardByThem).not.toHaveBeenCalled();
  });
});

import type { AddressInfo } from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createRedisClient, TenantStatusEvent } from '@app/tenancy';
import { Cluster } from 'ioredis';
import { createApiApp } from '../apps/api/src/api.app';
import { TenantStatusFeed } from '../apps/api/src/events/tenant-status.feed';
import { http } from './support/http';
import { PrivateRedisCluster } from './support/processes/private-redis-cluster';
import { createOrg, waitForStatus } from './support/tenant-client';
import { TestStack } from './support/test-stack';

const BURST = 20;

/** The api and a worker on a private three-master Redis Cluster (REDIS_CLUSTER_NODES). */
describe('on a Redis Cluster', () => {
  const cluster = new PrivateRedisCluster(3);
  let stack: TestStack;
  let app: NestFastifyApplication | undefined;
  let api: string;

  beforeAll(async () => {
    await cluster.start();
    // The create limit on, so that the throttler's script runs on the cluster too.
    stack = new TestStack({ REDIS_URL: '', REDIS_CLUSTER_NODES: cluster.nodes, CREATE_RATE_LIMIT: '1000' });
    app = await createApiApp(stack.config);
    await app.listen(0, '127.0.0.1');
    api = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    await stack.startWorker();
  });
  afterAll(async () => {
    await app?.close();
    await stack?.teardown();
    await cluster.stop();
  });

  it('provisions a burst of tenants to ready and tells the api of each', async () => {
    const heard: TenantStatusEvent[] = [];
    jest.spyOn(app!.get(TenantStatusFeed), 'push').mockImplementation((event) => void heard.push(event));

    const created = await Promise.all(Array.from({ length: BURST }, (_, index) => createOrg(api, `Cluster Co ${index}`)));
    for (const { id } of created) {
      expect(await waitForStatus(api, id, ['ready', 'failed'], 45_000)).toMatchObject({ status: 'ready' });
    }

    expect(await stack.tenantDatabases()).toHaveLength(BURST);
    // The worker publishes through one node and the api listens on another: pub/sub spans the cluster.
    const readyHeard = new Set(heard.filter((event) => event.status === 'ready').map((event) => event.tenantId));
    expect(readyHeard.size).toBe(BURST);
    expect((await http(api, 'GET', '/health')).body.details).toMatchObject({ redis: { status: 'up' } });
  });

  it('keeps every key of the queues in one hash slot, under the hash-tagged prefix', async () => {
    const { prefix, queuePrefix, topology } = stack.config.redis;
    expect(queuePrefix).toBe(`{${prefix}}`);
    const client = createRedisClient(topology) as Cluster;
    try {
      await client.ping();
      const keys = (await Promise.all(client.nodes('master').map((node) => node.keys(`${queuePrefix}:*`)))).flat();
      const slots = new Set(await Promise.all(keys.map((key) => client.cluster('KEYSLOT', key))));
      expect(keys.length).toBeGreaterThan(0);
      expect(slots.size).toBe(1);
    } finally {
      client.disconnect();
    }
  });
});

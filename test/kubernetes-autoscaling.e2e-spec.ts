import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig, PROVISIONING_QUEUE, ProvisioningQueue } from '@app/tenancy';
import { Queue, QueueKeys } from 'bullmq';
import IORedis from 'ioredis';
import { configOf, deploymentOf, exampleSecret, Manifest, named, ofKind } from './support/kubernetes-manifests';

/** The worker's autoscaling: KEDA must watch the list BullMQ really fills with provisioning jobs. */

interface ScaledObject extends Manifest {
  spec: {
    scaleTargetRef: { name: string; kind?: string };
    minReplicaCount?: number;
    triggers: Array<{ type: string; metadata: Record<string, string>; authenticationRef?: { name: string } }>;
  };
}

describe('the worker’s KEDA ScaledObject', () => {
  const [scaledObject, ...others] = ofKind<ScaledObject>('ScaledObject');
  const trigger = scaledObject?.spec.triggers.find(({ type }) => type === 'redis');

  it('scales the worker Deployment, which leaves its replica count to it, never below one', () => {
    expect(others).toEqual([]);
    expect(scaledObject!.spec.scaleTargetRef).toMatchObject({ name: deploymentOf('worker').metadata.name });
    expect(scaledObject!.spec.scaleTargetRef.kind ?? 'Deployment').toBe('Deployment');
    expect(scaledObject!.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    expect(deploymentOf('worker').spec.replicas).toBeUndefined();
  });

  it('watches the provisioning queue’s wait list under the configured prefix', () => {
    const { queuePrefix } = configOf('worker').redis;
    expect(trigger?.metadata.listName).toBe(new QueueKeys(queuePrefix).toKey(PROVISIONING_QUEUE, 'wait'));
    expect(Number(trigger?.metadata.listLength)).toBeGreaterThan(0);
  });

  it('authenticates through a TriggerAuthentication whose Secret keys the example has', () => {
    const authentication = named<Manifest & { spec: { secretTargetRef: Array<{ name: string; key: string }> } }>(
      'TriggerAuthentication',
      trigger!.authenticationRef!.name,
    );
    for (const { name, key } of authentication!.spec.secretTargetRef)
      expect(Object.keys(exampleSecret(name).stringData)).toContain(key);
  });

  it('finds a provisioning job in that list when one is queued (real Redis)', async () => {
    const url = new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379');
    const prefix = `test-k8s-${randomBytes(4).toString('hex')}`;
    const queue = new Queue(PROVISIONING_QUEUE, { prefix, connection: { host: url.hostname, port: Number(url.port || 6379) } });
    const redis = new IORedis(url.href);
    try {
      await new ProvisioningQueue(queue, loadConfig({})).enqueueNew(randomUUID());
      expect(await redis.llen(new QueueKeys(prefix).toKey(PROVISIONING_QUEUE, 'wait'))).toBe(1);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      redis.disconnect();
    }
  });
});

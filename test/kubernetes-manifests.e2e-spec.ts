import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PATH_METADATA } from '@nestjs/common/constants';
import { AppConfig, CONFIG_VARIABLES, loadConfig, PROVISIONING_QUEUE, ProvisioningQueue } from '@app/tenancy';
import { Queue, QueueKeys } from 'bullmq';
import IORedis from 'ioredis';
import { ApiHealthController } from '../apps/api/src/health/api-health.controller';
import { TenantApiHealthController } from '../apps/tenant-api/src/health/tenant-api-health.controller';
import { WorkerHealthController } from '../apps/worker/src/health/worker-health.controller';
import {
  appliedManifests,
  Container,
  containerPortOf,
  Deployment,
  kustomization,
  Manifest,
  readManifests,
  selects,
  yamlFilesInDirectory,
} from './support/kubernetes-manifests';

/**
 * Checks deploy/kubernetes against the configuration contract without a cluster: every variable
 * is one the services read, production loads from the ConfigMap and the Secret, probes and
 * Services reach the ports the apps listen on, and KEDA watches the list BullMQ really fills.
 */

const PACKAGE_SCRIPTS: Record<string, string> = JSON.parse(readFileSync(path.resolve(__dirname, '../package.json'), 'utf8')).scripts;

const APPS = {
  api: { health: ApiHealthController, port: (config: AppConfig) => config.api.port },
  worker: { health: WorkerHealthController, port: (config: AppConfig) => config.worker.healthPort },
  'tenant-api': { health: TenantApiHealthController, port: (config: AppConfig) => config.tenantApi.port },
};
type AppName = keyof typeof APPS;
const APP_NAMES = Object.keys(APPS) as AppName[];

const EXAMPLE_SECRETS = 'secret.example.yaml';
const manifests = appliedManifests();
const examples = readManifests(EXAMPLE_SECRETS) as Array<Manifest & { stringData: Record<string, string> }>;

const ofKind = <T extends Manifest>(kind: string) => manifests.filter((manifest) => manifest.kind === kind) as T[];
const named = <T extends Manifest>(kind: string, name: string) => ofKind<T>(kind).find((manifest) => manifest.metadata.name === name);

const deploymentOf = (app: AppName) => {
  const found = ofKind<Deployment>('Deployment').filter(
    (deployment) => deployment.spec.template.metadata.labels['app.kubernetes.io/component'] === app,
  );
  expect(found).toHaveLength(1);
  return found[0]!;
};
const containerOf = (app: AppName) => deploymentOf(app).spec.template.spec.containers[0]!;

/** Valid stand-ins for what the real Secret holds; the example must name exactly these keys. */
const SECRET_STAND_INS: Record<string, string> = {
  DATABASE_URL: 'postgres://tenancy:password@postgres.example:5432/master',
  TENANT_DATABASE_URL: 'postgres://tenancy:password@postgres.example:5432/postgres',
  REDIS_URL: 'redis://:password@redis.example:6379',
  ADMIN_API_KEY: randomBytes(32).toString('hex'),
  TENANT_SECRET_KEY: randomBytes(32).toString('hex'),
  TENANT_JWT_SECRET: randomBytes(32).toString('hex'),
};

/** The example Secret a container's envFrom names. */
function exampleSecret(name: string) {
  const secret = examples.find((example) => example.kind === 'Secret' && example.metadata.name === name);
  if (!secret) throw new Error(`no Secret ${name} in ${EXAMPLE_SECRETS}`);
  return secret;
}

/** A container's environment: its ConfigMaps, its Secrets' keys with stand-in values, then its env. */
function environmentOf(container: Container, secretValues = SECRET_STAND_INS): Record<string, string | undefined> {
  const environment: Record<string, string | undefined> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const configMap = named<Manifest & { data: Record<string, string> }>('ConfigMap', source.configMapRef.name);
      if (!configMap) throw new Error(`no ConfigMap ${source.configMapRef.name} among the applied manifests`);
      Object.assign(environment, configMap.data);
    }
    if (source.secretRef) {
      for (const key of Object.keys(exampleSecret(source.secretRef.name).stringData)) environment[key] = secretValues[key];
    }
  }
  for (const { name, value } of container.env ?? []) environment[name] = value;
  return environment;
}

const configOf = (app: AppName) => loadConfig(environmentOf(containerOf(app)));

/** The route a controller method answers, e.g. `/health/live`. */
const routeOf = (controller: object, method: string) =>
  path.posix
    .join(
      '/',
      Reflect.getMetadata(PATH_METADATA, controller),
      Reflect.getMetadata(PATH_METADATA, (controller as { prototype: Record<string, object> }).prototype[method]!),
    )
    .replace(/(.)\/$/, '$1');

const isLoopback = (url: string) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);

describe('deploy/kubernetes', () => {
  it('lists every manifest of the directory in kustomization.yaml, but not the example Secrets', () => {
    const others = yamlFilesInDirectory().filter((file) => file !== 'kustomization.yaml' && file !== EXAMPLE_SECRETS);
    expect([...kustomization.resources].sort()).toEqual(others.sort());
    expect(manifests.filter((manifest) => manifest.kind === 'Secret')).toEqual([]);
  });

  it.each(APP_NAMES)('runs %s from the image kustomization.yaml sets, as `npm run start:<app>` does', (app) => {
    const container = containerOf(app);
    expect(kustomization.images?.map((image) => image.name)).toContain(container.image);
    expect(container.command).toEqual(PACKAGE_SCRIPTS[`start:${app}`]!.split(' '));
  });

  it('names only variables the services read (ConfigMap, env, the example Secret)', () => {
    const names = [
      ...ofKind<Manifest & { data: Record<string, string> }>('ConfigMap').flatMap((configMap) => Object.keys(configMap.data)),
      ...ofKind<Deployment>('Deployment').flatMap((deployment) =>
        deployment.spec.template.spec.containers.flatMap((container) => (container.env ?? []).map(({ name }) => name)),
      ),
      ...APP_NAMES.flatMap((app) =>
        (containerOf(app).envFrom ?? []).flatMap(({ secretRef }) =>
          secretRef ? Object.keys(exampleSecret(secretRef.name).stringData) : [],
        ),
      ),
    ];
    expect(names.filter((name) => !CONFIG_VARIABLES.includes(name))).toEqual([]);
  });

  it('keeps connection URLs and keys in the Secret, whose example holds placeholders only', () => {
    const secretNames = new Set(APP_NAMES.flatMap((app) => (containerOf(app).envFrom ?? []).map(({ secretRef }) => secretRef?.name)));
    const secrets = [...secretNames].filter((name): name is string => !!name).map(exampleSecret);
    expect(secrets).toHaveLength(1);
    expect(Object.keys(secrets[0]!.stringData).sort()).toEqual(Object.keys(SECRET_STAND_INS).sort());

    const configMapKeys = ofKind<Manifest & { data: Record<string, string> }>('ConfigMap').flatMap((configMap) =>
      Object.keys(configMap.data),
    );
    expect(configMapKeys.filter((key) => /URL|KEY|SECRET|PASSWORD|TOKEN/.test(key))).toEqual([]);
    for (const example of examples) {
      for (const value of Object.values(example.stringData)) expect(value).toMatch(/<[^>]+>/);
    }
  });

  it.each(APP_NAMES)('%s loads a production configuration from the ConfigMap and the Secret', (app) => {
    const config = configOf(app);
    expect(config.env).toBe('production');
    expect(config.redis.topology.mode).toBe('server');
    const redisUrl = config.redis.topology.mode === 'server' ? config.redis.topology.url : '';
    for (const url of [config.master.url, config.tenantServer.maintenanceUrl, redisUrl]) expect(isLoopback(url)).toBe(false);

    // Each Secret key production cannot start without is missed by name.
    const withoutSecrets = environmentOf(containerOf(app), {});
    expect(() => loadConfig(withoutSecrets)).toThrow(/ADMIN_API_KEY[\s\S]*TENANT_SECRET_KEY/);
  });

  it.each(APP_NAMES)('%s probes readiness at /health and liveness and start-up at /health/live, on its port', (app) => {
    const container = containerOf(app);
    const { health, port } = APPS[app];
    const expected = {
      readinessProbe: routeOf(health, 'check'),
      livenessProbe: routeOf(health, 'live'),
      startupProbe: routeOf(health, 'live'),
    };
    expect(expected).toEqual({ readinessProbe: '/health', livenessProbe: '/health/live', startupProbe: '/health/live' });
    for (const [probe, route] of Object.entries(expected)) {
      const httpGet = container[probe as keyof typeof expected]?.httpGet;
      expect({ probe, path: httpGet?.path }).toEqual({ probe, path: route });
      expect({ probe, port: containerPortOf(container, httpGet!.port) }).toEqual({ probe, port: port(configOf(app)) });
    }
  });

  it.each(APP_NAMES)('%s has a Service that selects its pods and reaches its port', (app) => {
    const deployment = deploymentOf(app);
    const services = ofKind<Manifest & { spec: { selector: Record<string, string>; ports: Array<{ targetPort: string | number }> } }>(
      'Service',
    ).filter((service) => selects(service.spec.selector, deployment.spec.template.metadata.labels));
    expect(services).toHaveLength(1);
    const targets = services[0]!.spec.ports.map(({ targetPort }) => containerPortOf(containerOf(app), targetPort));
    expect(targets).toEqual([APPS[app].port(configOf(app))]);
  });

  it.each(APP_NAMES)('%s asks for CPU and memory, caps memory, and has one PodDisruptionBudget', (app) => {
    const { resources } = containerOf(app);
    expect(Object.keys(resources?.requests ?? {}).sort()).toEqual(['cpu', 'memory']);
    expect(resources?.limits?.memory).toBeDefined();

    const labels = deploymentOf(app).spec.template.metadata.labels;
    const budgets = ofKind<Manifest & { spec: { selector: { matchLabels: Record<string, string> } } }>('PodDisruptionBudget');
    expect(budgets.filter((budget) => selects(budget.spec.selector.matchLabels, labels))).toHaveLength(1);
  });

  it.each(APP_NAMES)('%s runs as non-root on a read-only root filesystem', (app) => {
    const pod = deploymentOf(app).spec.template.spec;
    expect(pod.securityContext?.runAsNonRoot).toBe(true);
    expect(pod.securityContext?.runAsUser).not.toBe(0);
    expect(containerOf(app).securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true });
  });

  it('gives the worker writable BACKUP_DIR and temporary directory, and the api the same backups volume', () => {
    const mountsOf = (app: AppName) => containerOf(app).volumeMounts ?? [];
    const backupDir = configOf('worker').fleet.backupDir;
    expect(configOf('api').fleet.backupDir).toBe(backupDir);

    const workerBackups = mountsOf('worker').find(({ mountPath }) => mountPath === backupDir);
    const apiBackups = mountsOf('api').find(({ mountPath }) => mountPath === backupDir);
    expect(workerBackups?.readOnly).toBeFalsy();
    expect(mountsOf('worker').map(({ mountPath }) => mountPath)).toContain(tmpdir());

    const claimOf = (app: AppName, volume?: string) =>
      deploymentOf(app).spec.template.spec.volumes?.find(({ name }) => name === volume)?.persistentVolumeClaim?.claimName;
    const claim = claimOf('worker', workerBackups?.name);
    expect(claim).toBeDefined();
    expect(claimOf('api', apiBackups?.name)).toBe(claim);
    expect(named<Manifest & { spec: { accessModes: string[] } }>('PersistentVolumeClaim', claim!)?.spec.accessModes).toEqual([
      'ReadWriteMany',
    ]);
  });

  it.each(['api', 'tenant-api'] as const)('%s lets in-flight requests finish after its preStop pause', (app) => {
    const container = containerOf(app);
    const pause = Number(container.lifecycle?.preStop?.exec?.command.at(-1) ?? 0);
    const requestSeconds = configOf(app).http.requestTimeoutMs / 1000;
    expect(deploymentOf(app).spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(pause + requestSeconds);
  });
});

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

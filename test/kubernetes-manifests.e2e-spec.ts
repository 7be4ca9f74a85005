import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PATH_METADATA } from '@nestjs/common/constants';
import { AppConfig, CONFIG_VARIABLES, loadConfig } from '@app/tenancy';
import { ApiHealthController } from '../apps/api/src/health/api-health.controller';
import { TenantApiHealthController } from '../apps/tenant-api/src/health/tenant-api-health.controller';
import { WorkerHealthController } from '../apps/worker/src/health/worker-health.controller';
import {
  APP_NAMES,
  AppName,
  configOf,
  containerOf,
  containerPortOf,
  Deployment,
  deploymentOf,
  environmentOf,
  EXAMPLE_SECRETS,
  exampleSecret,
  exampleSecrets,
  kustomization,
  Manifest,
  manifests,
  named,
  ofKind,
  SECRET_STAND_INS,
  selects,
  yamlFilesInDirectory,
} from './support/kubernetes-manifests';

/**
 * Checks deploy/kubernetes against the configuration contract without a cluster: every variable
 * is one the services read, production loads from the ConfigMap and the Secret, probes and
 * Services reach the ports the apps listen on (the autoscaling: kubernetes-autoscaling.e2e-spec.ts).
 */

const PACKAGE_SCRIPTS: Record<string, string> = JSON.parse(readFileSync(path.resolve(__dirname, '../package.json'), 'utf8')).scripts;

const APPS: Record<AppName, { health: object; port: (config: AppConfig) => number }> = {
  api: { health: ApiHealthController, port: (config) => config.api.port },
  worker: { health: WorkerHealthController, port: (config) => config.worker.healthPort },
  'tenant-api': { health: TenantApiHealthController, port: (config) => config.tenantApi.port },
};

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
    for (const example of exampleSecrets) {
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

import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '@app/tenancy';
import { parse, parseAllDocuments } from 'yaml';

/** The kustomize base in deploy/kubernetes, read as `kubectl apply -k` would take it (no kubectl needed). */

export const KUBERNETES_DIR = path.resolve(__dirname, '../../deploy/kubernetes');

export type Labels = Record<string, string>;

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Labels };
}

export interface Probe {
  httpGet?: { path: string; port: string | number };
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: Array<{ name?: string; containerPort: number }>;
  env?: Array<{ name: string; value?: string }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  securityContext?: { allowPrivilegeEscalation?: boolean; readOnlyRootFilesystem?: boolean };
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
}

export interface Deployment extends Manifest {
  spec: {
    replicas?: number;
    selector: { matchLabels: Labels };
    template: {
      metadata: { labels: Labels };
      spec: {
        terminationGracePeriodSeconds?: number;
        securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
        containers: Container[];
        volumes?: Array<{ name: string; persistentVolumeClaim?: { claimName: string }; emptyDir?: object }>;
      };
    };
  };
}

export interface Kustomization {
  resources: string[];
  images?: Array<{ name: string; newName?: string; newTag?: string }>;
}

/** Every document of one YAML file in deploy/kubernetes; a syntax error throws. */
export function readManifests(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(path.join(KUBERNETES_DIR, file), 'utf8'))
    .map((document) => {
      if (document.errors.length) throw new Error(`${file}: ${document.errors[0]!.message}`);
      return document.toJS() as Manifest | null;
    })
    .filter((manifest): manifest is Manifest => manifest !== null);
}

export const kustomization = parse(readFileSync(path.join(KUBERNETES_DIR, 'kustomization.yaml'), 'utf8')) as Kustomization;

/** What the base applies: the documents of every file kustomization.yaml lists. */
export const manifests: Manifest[] = kustomization.resources.flatMap(readManifests);

export const EXAMPLE_SECRETS = 'secret.example.yaml';
export const exampleSecrets = readManifests(EXAMPLE_SECRETS) as Array<Manifest & { stringData: Record<string, string> }>;

export const ofKind = <T extends Manifest>(kind: string) => manifests.filter((manifest) => manifest.kind === kind) as T[];
export const named = <T extends Manifest>(kind: string, name: string) =>
  ofKind<T>(kind).find((manifest) => manifest.metadata.name === name);

export const APP_NAMES = ['api', 'worker', 'tenant-api'] as const;
export type AppName = (typeof APP_NAMES)[number];

/** The one Deployment whose pods are the app's (label app.kubernetes.io/component). */
export function deploymentOf(app: AppName): Deployment {
  const found = ofKind<Deployment>('Deployment').filter(
    (deployment) => deployment.spec.template.metadata.labels['app.kubernetes.io/component'] === app,
  );
  if (found.length !== 1) throw new Error(`${found.length} Deployments of ${app}, not 1`);
  return found[0]!;
}

export const containerOf = (app: AppName) => deploymentOf(app).spec.template.spec.containers[0]!;

/** Valid stand-ins for what the real Secret holds; the example must name exactly these keys. */
export const SECRET_STAND_INS: Record<string, string> = {
  DATABASE_URL: 'postgres://tenancy:password@postgres.example:5432/master',
  TENANT_DATABASE_URL: 'postgres://tenancy:password@postgres.example:5432/postgres',
  REDIS_URL: 'redis://:password@redis.example:6379',
  ADMIN_API_KEY: randomBytes(32).toString('hex'),
  TENANT_SECRET_KEY: randomBytes(32).toString('hex'),
  TENANT_JWT_SECRET: randomBytes(32).toString('hex'),
};

/** A Secret of the example file, by name. */
export function exampleSecret(name: string) {
  const secret = exampleSecrets.find((example) => example.kind === 'Secret' && example.metadata.name === name);
  if (!secret) throw new Error(`no Secret ${name} in ${EXAMPLE_SECRETS}`);
  return secret;
}

/** A container's environment: its ConfigMaps, its Secrets' keys with `secretValues`, then its env. */
export function environmentOf(container: Container, secretValues = SECRET_STAND_INS): Record<string, string | undefined> {
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

/** The configuration an app's pod loads, with the Secret's stand-ins. */
export const configOf = (app: AppName) => loadConfig(environmentOf(containerOf(app)));

export const yamlFilesInDirectory = (): string[] => readdirSync(KUBERNETES_DIR).filter((file) => /\.ya?ml$/.test(file));

/** The containerPort a probe or Service names, by name or number. */
export function containerPortOf(container: Container, port: string | number): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((candidate) => candidate.name === port)?.containerPort;
}

export const selects = (selector: Labels, labels: Labels): boolean =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

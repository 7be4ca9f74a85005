import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
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
export const appliedManifests = (): Manifest[] => kustomization.resources.flatMap(readManifests);

export const yamlFilesInDirectory = (): string[] => readdirSync(KUBERNETES_DIR).filter((file) => /\.ya?ml$/.test(file));

/** The containerPort a probe or Service names, by name or number. */
export function containerPortOf(container: Container, port: string | number): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((candidate) => candidate.name === port)?.containerPort;
}

export const selects = (selector: Labels, labels: Labels): boolean =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

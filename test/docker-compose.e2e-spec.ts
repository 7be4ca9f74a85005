import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '@app/tenancy';

/** Checks docker-compose.yml and the Dockerfile by reading them; no Docker engine needed. */

const ROOT = path.resolve(__dirname, '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface Service {
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  deploy?: { replicas?: number };
  ports?: Array<string | { target: number; published?: string | number }>;
  healthcheck?: { test?: string | string[] };
  container_name?: string;
}

// merge: true resolves `<<: *anchor`, as Compose does.
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const APP_SERVICES = ['api', 'worker'] as const;

/** `${NAME:-default}` as Compose would expand it with nothing set in the host shell. */
const interpolate = (value: string) =>
  value.replace(/\$\$|\$\{(\w+)(?::?-([^}]*))?\}/g, (match, _name, fallback) =>
    match === '$$' ? '$' : (fallback ?? ''),
  );

function environmentOf(service: Service): Record<string, string | undefined> {
  const entries = Array.isArray(service.environment)
    ? service.environment.map((item) => {
        const at = item.indexOf('=');
        return at < 0 ? [item, undefined] : [item.slice(0, at), item.slice(at + 1)];
      })
    : Object.entries(service.environment ?? {}).map(([name, value]) => [
        name,
        value === null ? undefined : String(value),
      ]);
  return Object.fromEntries(
    entries.map(([name, value]) => [name, value === undefined ? undefined : interpolate(value)]),
  );
}

const commandOf = (service: Service) =>
  typeof service.command === 'string' ? service.command.split(/\s+/) : (service.command ?? []);

const healthcheckOf = (service: Service) => {
  const test = service.healthcheck?.test ?? [];
  return typeof test === 'string' ? test : test.join(' ');
};

/** The port a service's healthcheck asks on 127.0.0.1. */
const healthPortOf = (service: Service) => {
  const match = /http:\/\/127\.0\.0\.1:(\d+)\/health\b/.exec(healthcheckOf(service));
  return match ? Number(match[1]) : undefined;
};

/** Dockerfile stages, each the text from one FROM to the next. */
function dockerfileStages(): string[] {
  const text = read('Dockerfile').replace(/\\\r?\n/g, ' ');
  return text.split(/^(?=\s*FROM\s)/im).filter((stage) => /^\s*FROM\s/i.test(stage));
}

describe('docker-compose.yml', () => {
  it('defines postgres, redis, api and worker', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgres', 'redis', 'api', 'worker']));
  });

  it('runs two worker replicas that publish no ports', () => {
    expect(services.worker.deploy?.replicas).toBe(2);
    expect(services.worker.ports ?? []).toEqual([]);
    expect(services.worker.container_name).toBeUndefined();
  });

  it.each(APP_SERVICES)('%s uses only environment variables the services read', (name) => {
    const unknown = Object.keys(environmentOf(services[name])).filter(
      (variable) => !CONFIG_VARIABLES.includes(variable),
    );
    expect(unknown).toEqual([]);
  });

  it.each(APP_SERVICES)('%s waits for healthy postgres and redis', (name) => {
    expect(services[name].depends_on).toMatchObject({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
  });

  it('gives postgres and redis healthchecks', () => {
    expect(healthcheckOf(services.postgres)).toMatch(/\bpg_isready\b/);
    expect(healthcheckOf(services.redis)).toMatch(/\bredis-cli\b.*\bping\b/);
  });

  it.each(APP_SERVICES)('%s has a valid configuration pointing at the compose services', (name) => {
    const environment = environmentOf(services[name]);
    const config = loadConfig(environment);

    const database = new URL(config.masterDatabaseUrl);
    expect(database.hostname).toBe('postgres');
    expect(database.port || '5432').toBe('5432');
    const postgresEnvironment = environmentOf(services.postgres);
    expect(decodeURIComponent(database.username)).toBe(postgresEnvironment.POSTGRES_USER ?? 'postgres');
    if (postgresEnvironment.POSTGRES_HOST_AUTH_METHOD !== 'trust') {
      expect(decodeURIComponent(database.password)).toBe(postgresEnvironment.POSTGRES_PASSWORD);
    }

    const redis = new URL(config.redisUrl);
    expect(redis.hostname).toBe('redis');
    expect(redis.port || '6379').toBe('6379');

    expect(config.env).toBe('production');
  });

  it('publishes the api port and health-checks each role on its own port', () => {
    const api = loadConfig(environmentOf(services.api));
    const worker = loadConfig(environmentOf(services.worker));
    expect(services.api.ports).toContainEqual(`${api.apiPort}:${api.apiPort}`);
    expect(healthPortOf(services.api)).toBe(api.apiPort);
    expect(healthPortOf(services.worker)).toBe(worker.workerHealthPort);
  });

  it.each(APP_SERVICES)('%s runs the entry file that `npm run build` emits', (name) => {
    const nestCli = JSON.parse(read('nest-cli.json'));
    const entryFile: string = nestCli.projects[name].entryFile;
    expect(existsSync(path.join(ROOT, `${entryFile}.ts`))).toBe(true);

    const expected = ['node', `dist/${entryFile}.js`];
    expect(commandOf(services[name])).toEqual(expected);
    expect(JSON.parse(read('package.json')).scripts[`start:${name}`]).toBe(expected.join(' '));
  });
});

describe('Dockerfile', () => {
  it('builds in one stage and ships production dependencies only in the last', () => {
    const stages = dockerfileStages();
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage).toMatch(/^\s*FROM\s+node:20-bookworm-slim\b/i);

    const [build, runtime] = [stages[0], stages[stages.length - 1]];
    expect(build).toMatch(/^\s*RUN\s+npm ci\b/im);
    expect(build).toMatch(/^\s*RUN\s+npm run build\b/im);
    expect(runtime).toMatch(/^\s*RUN\s+npm ci\b[^\n]*--omit=dev/im);
    expect(runtime).not.toMatch(/npm run build/);
    expect(runtime).toMatch(/^\s*ENV\s+NODE_ENV=production\b/im);
  });

  it('copies dist/ into the working directory the compose commands run in', () => {
    const runtime = dockerfileStages().at(-1)!;
    const workdirs = [...runtime.matchAll(/^\s*WORKDIR\s+(\S+)/gim)].map((match) => match[1]);
    const workdir = workdirs.at(-1);
    expect(workdir).toBeDefined();
    const copy = /^\s*COPY\s+--from=\S+\s+(\S+)\s+(\S+)\s*$/im.exec(runtime);
    expect(copy?.[1]).toMatch(/(^|\/)dist\/?$/);
    expect(path.posix.resolve(workdir!, copy![2])).toBe(path.posix.join(workdir!, 'dist'));
  });

  it('runs the last stage as a non-root user', () => {
    const runtime = dockerfileStages().at(-1)!;
    const users = [...runtime.matchAll(/^\s*USER\s+(\S+)/gim)].map((match) => match[1]);
    const user = users.at(-1);
    expect(user).toBeDefined();
    expect(user!.split(':')[0]).not.toMatch(/^(root|0)$/);
  });
});

import { spawnSync } from 'node:child_process';
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '@app/tenancy';

/**
 * Checks docker-compose.yml and the Dockerfile by reading them (no Docker engine needed), and
 * runs the PostgreSQL init script against the machine's real PostgreSQL.
 */

const ROOT = path.resolve(__dirname, '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const SERVER_URL = new URL(process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');

interface Service {
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  deploy?: { replicas?: number };
  ports?: Array<string | { target: number; published?: string | number }>;
  volumes?: Array<string | { source?: string; target: string }>;
  healthcheck?: { test?: string | string[] };
  container_name?: string;
}

// merge: true resolves `<<: *anchor`, as Compose does.
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const APP_SERVICES = ['api', 'worker', 'tenant-api'] as const;
const SECRETS = ['ADMIN_API_KEY', 'TENANT_SECRET_KEY', 'POSTGRES_PASSWORD', 'TENANCY_DB_PASSWORD'];
const SECRET_NAME = /KEY|PASSWORD|SECRET|TOKEN/;

/** A service the tests below rely on; a clear failure if the file no longer defines it. */
function serviceNamed(name: string): Service {
  const service = services[name];
  if (!service) throw new Error(`docker-compose.yml defines no service ${name}`);
  return service;
}

type Variables = Record<string, string | undefined>;

const INTERPOLATION = /\$\$|\$\{(\w+)(?:(:?)([-?])([^}]*))?\}|\$(\w+)/g;

/** Expands `${NAME}`, `${NAME:-default}`, `${NAME:?message}` (and the forms without `:`) as Compose does. */
const interpolate = (text: string, variables: Variables) =>
  text.replace(INTERPOLATION, (match, braced?: string, colon?: string, operator?: string, argument?: string, bare?: string) => {
    if (match === '$$') return '$';
    const name = (braced ?? bare)!;
    const value = variables[name];
    const missing = colon ? !value : value === undefined;
    if (operator === '-' && missing) return argument!;
    if (operator === '?' && missing) throw new Error(`required variable ${name} is missing a value: ${argument}`);
    return value ?? '';
  });

/** Every `${NAME…}` in the file's values, with the operator and its default or message. */
function interpolationsIn(node: unknown): Array<{ name: string; operator: string; argument: string }> {
  if (typeof node === 'string') {
    return [...node.matchAll(INTERPOLATION)]
      .filter(([match]) => match !== '$$')
      .map(([, braced, colon, operator, argument, bare]) => ({
        name: (braced ?? bare)!,
        operator: `${colon ?? ''}${operator ?? ''}`,
        argument: argument ?? '',
      }));
  }
  return node && typeof node === 'object' ? Object.values(node).flatMap(interpolationsIn) : [];
}

/** What the required variables get here: what `openssl rand -hex 32` prints. */
const HOST: Variables = Object.fromEntries(
  interpolationsIn(compose)
    .filter(({ operator }) => operator.includes('?'))
    .map(({ name }) => [name, randomBytes(32).toString('hex')]),
);

/** A service's environment as written, before interpolation. */
function rawEnvironmentOf(service: Service): Record<string, string | undefined> {
  const entries = Array.isArray(service.environment)
    ? service.environment.map((item) => {
        const at = item.indexOf('=');
        return at < 0 ? [item, undefined] : [item.slice(0, at), item.slice(at + 1)];
      })
    : Object.entries(service.environment ?? {}).map(([name, value]) => [name, value === null ? undefined : String(value)]);
  return Object.fromEntries(entries);
}

function environmentOf(service: Service, variables: Variables = HOST): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(rawEnvironmentOf(service)).map(([name, value]) => [
      name,
      value === undefined ? undefined : interpolate(value, variables),
    ]),
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

/** The host directory the postgres service mounts at /docker-entrypoint-initdb.d. */
function initDirectory(): string | undefined {
  const mount = (serviceNamed('postgres').volumes ?? [])
    .map((volume) => (typeof volume === 'string' ? volume.split(':') : [volume.source ?? '', volume.target]))
    .find(([, target]) => path.posix.normalize(target ?? '').replace(/\/$/, '') === '/docker-entrypoint-initdb.d');
  return mount && path.resolve(ROOT, mount[0]!);
}

const INIT_SCRIPT = path.join(initDirectory() ?? '', '10-tenancy-role.sh');

/** The role the init script creates and its password, as the postgres service passes them. */
function initScriptRole(): { user?: string; password?: string } {
  const script = readFileSync(INIT_SCRIPT, 'utf8');
  const fromEnvironment = Object.fromEntries(
    [...script.matchAll(/^\\getenv\s+(\w+)\s+(\w+)\s*$/gm)].map(([, variable, name]) => [variable, name]),
  );
  const statement = /^ALTER ROLE :"(\w+)" [^;]*PASSWORD :'(\w+)'/m.exec(script);
  const postgres = environmentOf(serviceNamed('postgres'));
  return {
    user: postgres[fromEnvironment[statement?.[1] ?? ''] ?? ''],
    password: postgres[fromEnvironment[statement?.[2] ?? ''] ?? ''],
  };
}

describe('docker-compose.yml', () => {
  it('defines postgres, redis, api, worker and tenant-api', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgres', 'redis', 'api', 'worker', 'tenant-api']));
  });

  it('runs two worker replicas that publish no ports', () => {
    expect(serviceNamed('worker').deploy?.replicas).toBe(2);
    expect(serviceNamed('worker').ports ?? []).toEqual([]);
    expect(serviceNamed('worker').container_name).toBeUndefined();
  });

  it('takes every secret from the host environment, with no fallback and a hint how to make one', () => {
    const secrets = interpolationsIn(compose).filter(({ name }) => SECRET_NAME.test(name));
    expect(secrets.map(({ name }) => name)).toEqual(expect.arrayContaining(SECRETS));
    for (const { operator, argument } of secrets) {
      expect(operator).toBe(':?');
      expect(argument).toMatch(/openssl rand -hex \d+/);
    }

    for (const service of Object.values(services)) {
      for (const [name, value] of Object.entries(rawEnvironmentOf(service))) {
        if (SECRET_NAME.test(name)) expect(value).toMatch(/^\$\{\w+:\?[^}]+\}$/);
        const credentials = /^\w+:\/\/[^:/@]*:([^@]*)@/.exec(value ?? '');
        if (credentials) expect(credentials[1]).toMatch(/^\$\{\w+:\?[^}]+\}$/);
      }
    }
  });

  it.each(SECRETS)('refuses to start when %s is unset or empty', (secret) => {
    const expandAll = (variables: Variables) => Object.values(services).map((service) => environmentOf(service, variables));
    expect(() => expandAll(HOST)).not.toThrow();
    expect(() => expandAll({ ...HOST, [secret]: undefined })).toThrow(new RegExp(`\\b${secret}\\b`));
    expect(() => expandAll({ ...HOST, [secret]: '' })).toThrow(new RegExp(`\\b${secret}\\b`));
  });

  it.each(APP_SERVICES)('%s uses only environment variables the services read', (name) => {
    const unknown = Object.keys(environmentOf(serviceNamed(name))).filter((variable) => !CONFIG_VARIABLES.includes(variable));
    expect(unknown).toEqual([]);
  });

  it.each(APP_SERVICES)('%s waits for healthy postgres and redis', (name) => {
    expect(serviceNamed(name).depends_on).toMatchObject({
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
    });
  });

  it('gives postgres and redis healthchecks', () => {
    expect(healthcheckOf(serviceNamed('postgres'))).toMatch(/\bpg_isready\b/);
    expect(healthcheckOf(serviceNamed('redis'))).toMatch(/\bredis-cli\b.*\bping\b/);
  });

  it.each(APP_SERVICES)('%s has a valid configuration and connects as the init script’s role', (name) => {
    const config = loadConfig(environmentOf(serviceNamed(name)));
    expect(config.env).toBe('production');
    const role = initScriptRole();
    expect(role.user).toBeTruthy();
    expect(role.user).not.toBe(environmentOf(serviceNamed('postgres')).POSTGRES_USER ?? 'postgres');

    for (const url of [config.master.url, config.tenantServer.maintenanceUrl].map((text) => new URL(text))) {
      expect(url.hostname).toBe('postgres');
      expect(url.port || '5432').toBe('5432');
      expect(decodeURIComponent(url.username)).toBe(role.user);
      expect(decodeURIComponent(url.password)).toBe(role.password);
    }

    const { topology } = config.redis;
    if (topology.mode !== 'server') throw new Error(`compose runs one Redis server, not a ${topology.mode}`);
    const redis = new URL(topology.url);
    expect(redis.hostname).toBe('redis');
    expect(redis.port || '6379').toBe('6379');
  });

  it('publishes the api and tenant-api ports and health-checks each role on its own port', () => {
    const api = loadConfig(environmentOf(serviceNamed('api')));
    const worker = loadConfig(environmentOf(serviceNamed('worker')));
    const tenantApi = loadConfig(environmentOf(serviceNamed('tenant-api')));
    expect(serviceNamed('api').ports).toContainEqual(`${api.api.port}:${api.api.port}`);
    expect(healthPortOf(serviceNamed('api'))).toBe(api.api.port);
    expect(healthPortOf(serviceNamed('worker'))).toBe(worker.worker.healthPort);
    expect(tenantApi.tenantApi.port).toBe(3002);
    expect(serviceNamed('tenant-api').ports).toContainEqual(`${tenantApi.tenantApi.port}:${tenantApi.tenantApi.port}`);
    expect(healthPortOf(serviceNamed('tenant-api'))).toBe(tenantApi.tenantApi.port);
  });

  it('checks tenant-api by liveness, which asks nothing of master or the tenant databases', () => {
    expect(healthcheckOf(serviceNamed('tenant-api'))).toMatch(/http:\/\/127\.0\.0\.1:\d+\/health\/live\b/);
  });

  it.each(APP_SERVICES)('%s runs the entry file that `npm run build` emits', (name) => {
    const nestCli = JSON.parse(read('nest-cli.json'));
    const entryFile: string = nestCli.projects[name].entryFile;
    expect(existsSync(path.join(ROOT, `${entryFile}.ts`))).toBe(true);

    const expected = ['node', `dist/${entryFile}.js`];
    expect(commandOf(serviceNamed(name))).toEqual(expected);
    expect(JSON.parse(read('package.json')).scripts[`start:${name}`]).toBe(expected.join(' '));
  });
});

describe('PostgreSQL init script', () => {
  it('is mounted at /docker-entrypoint-initdb.d from deploy/, executable and valid bash', () => {
    expect(initDirectory()).toBe(path.join(ROOT, 'deploy', 'postgres-initdb'));
    expect(readdirSync(initDirectory()!)).toContain(path.basename(INIT_SCRIPT));
    expect(statSync(INIT_SCRIPT).mode & 0o111).toBe(0o111);
    expect(spawnSync('bash', ['-n', INIT_SCRIPT], { encoding: 'utf8' })).toMatchObject({ status: 0, stderr: '' });
  });

  it('creates a login role with CREATEDB and CREATEROLE and nothing else of a superuser', () => {
    const script = readFileSync(INIT_SCRIPT, 'utf8');
    // A quoted here-document: the shell expands nothing in the SQL; psql quotes the values.
    expect(script).toMatch(/<<\s*'SQL'\n/);
    const attributes = [...script.matchAll(/^(?:CREATE|ALTER) ROLE\b[^;]*;/gm)].join(' ').split(/[\s;]+/);
    expect(attributes).toEqual(
      expect.arrayContaining(['LOGIN', 'CREATEDB', 'CREATEROLE', 'NOSUPERUSER', 'NOREPLICATION', 'NOBYPASSRLS']),
    );
    expect(attributes.filter((word) => ['SUPERUSER', 'REPLICATION', 'BYPASSRLS'].includes(word))).toEqual([]);
    expect(initScriptRole()).toEqual({ user: 'tenancy', password: HOST.TENANCY_DB_PASSWORD });
  });
});

/** Whether a SCRAM-SHA-256 verifier from pg_authid is the one of `password`. */
function scramMatches(verifier: string | null, password: string): boolean {
  const parts = /^SCRAM-SHA-256\$(\d+):([^$]+)\$([^:]+):/.exec(verifier ?? '');
  if (!parts) return false;
  const salted = pbkdf2Sync(password, Buffer.from(parts[2]!, 'base64'), Number(parts[1]), 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  return createHash('sha256').update(clientKey).digest('base64') === parts[3];
}

describe('PostgreSQL init script on the real server', () => {
  const suffix = randomBytes(4).toString('hex');
  const role = `tenancy_compose_${suffix}`;
  const refusedRoles: string[] = [];
  const superuser = decodeURIComponent(SERVER_URL.username) || 'postgres';
  const server = new Client({ connectionString: SERVER_URL.href });

  /** Runs the script as the postgres image does: executed, or sourced when not executable. */
  const runInitScript = (variables: Variables, how: 'executed' | 'sourced' = 'executed') => {
    const environment = Object.entries({
      PATH: process.env.PATH,
      PGHOST: SERVER_URL.hostname,
      PGPORT: SERVER_URL.port || '5432',
      PGPASSWORD: decodeURIComponent(SERVER_URL.password) || undefined,
      POSTGRES_USER: superuser,
      POSTGRES_DB: SERVER_URL.pathname.slice(1) || 'postgres',
      ...variables,
    }).filter((entry): entry is [string, string] => entry[1] !== undefined);
    const [file, args] = how === 'executed' ? [INIT_SCRIPT, []] : ['bash', ['-c', 'set -Eeo pipefail; . "$0"', INIT_SCRIPT]];
    // stdin from /dev/null: on a socket (Node's default pipe) bash -c would read ~/.bashrc.
    const env = Object.fromEntries(environment);
    return spawnSync(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 20_000 });
  };

  const roleNamed = async (name: string) =>
    (
      await server.query(
        `SELECT rolcanlogin, rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolpassword
           FROM pg_authid WHERE rolname = $1`,
        [name],
      )
    ).rows[0];

  const LEAST_PRIVILEGE = {
    rolcanlogin: true,
    rolsuper: false,
    rolcreatedb: true,
    rolcreaterole: true,
    rolreplication: false,
    rolbypassrls: false,
  };

  beforeAll(() => server.connect());
  afterAll(async () => {
    for (const name of [role, ...refusedRoles]) await server.query(`DROP ROLE IF EXISTS "${name}"`);
    await server.end();
  });

  it('creates the role with its password and the least privilege the services need', async () => {
    const password = randomBytes(24).toString('hex');
    const run = runInitScript({ TENANCY_DB_USER: role, TENANCY_DB_PASSWORD: password });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });

    const created = await roleNamed(role);
    expect(created).toMatchObject(LEAST_PRIVILEGE);
    expect(scramMatches(created.rolpassword, password)).toBe(true);
  });

  it('when run again (sourced), sets the new password and takes back powers granted since', async () => {
    await server.query(`ALTER ROLE "${role}" SUPERUSER NOCREATEDB`);
    const password = randomBytes(24).toString('hex');
    const run = runInitScript({ TENANCY_DB_USER: role, TENANCY_DB_PASSWORD: password }, 'sourced');
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });

    const altered = await roleNamed(role);
    expect(altered).toMatchObject(LEAST_PRIVILEGE);
    expect(scramMatches(altered.rolpassword, password)).toBe(true);
  });

  it.each([
    ['a password that is not URL-safe', `${randomBytes(8).toString('hex')}' SUPERUSER --`, /URL/],
    ['a password under 16 characters', 'abc123', /at least 16/],
    ['no password', undefined, /TENANCY_DB_PASSWORD/],
  ])('refuses %s and creates nothing', async (_case, password, message) => {
    const refusedRole = `tenancy_refused_${suffix}_${refusedRoles.length}`;
    refusedRoles.push(refusedRole);
    const run = runInitScript({ TENANCY_DB_USER: refusedRole, TENANCY_DB_PASSWORD: password });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(message);
    expect(await roleNamed(refusedRole)).toBeUndefined();
  });

  it('refuses to make the superuser the services’ role', () => {
    // PGHOST is a directory with no server: were the check missing, psql could not reach one.
    const run = runInitScript({
      PGHOST: path.join(ROOT, 'deploy'),
      TENANCY_DB_USER: superuser,
      TENANCY_DB_PASSWORD: randomBytes(24).toString('hex'),
    });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/must not be the superuser/);
  });
});

describe('.env.example', () => {
  const entries = read('.env.example')
    .split(/\r?\n/)
    .filter((line) => /^\w+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const);

  it('names every setting the services read, and nothing else', () => {
    expect(entries.map(([name]) => name).sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('loads as it stands', () => {
    expect(() => loadConfig(Object.fromEntries(entries))).not.toThrow();
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
    expect(path.posix.resolve(workdir!, copy![2]!)).toBe(path.posix.join(workdir!, 'dist'));
  });

  it('installs pg_dump and pg_restore in the last stage, which purges, restores and moves run', () => {
    expect(dockerfileStages().at(-1)).toMatch(/^\s*RUN\s+apt-get update && apt-get install\b[^\n]*\bpostgresql-client\b/im);
  });

  it('runs the last stage as a non-root user', () => {
    const runtime = dockerfileStages().at(-1)!;
    const users = [...runtime.matchAll(/^\s*USER\s+(\S+)/gim)].map((match) => match[1]);
    const user = users.at(-1);
    expect(user).toBeDefined();
    expect(user!.split(':')[0]).not.toMatch(/^(root|0)$/);
  });
});

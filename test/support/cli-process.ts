import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import type { TestStack } from './test-stack';

const REPO = path.resolve(__dirname, '../..');
/** What `tenants` and tenant-api load, laid out as in dist/ (the library finds migrations/ four folders up, as there). */
const SOURCES = ['apps/cli/src', 'apps/tenant-api/src', 'libs/tenancy/src', 'libs/tenant-routing/src', 'migrations'];
const LIBRARIES = ['tenancy', 'tenant-routing'];

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `tenants` (apps/cli) as a real process, from source: the CLI, the library and the migrations are
 * transpiled once into a temporary folder (no type check, lint does that), `@app/tenancy` resolved
 * by a link, so that each run starts as fast as the built CLI instead of compiling on the fly.
 */
export class CliBuild {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'tenants-cli-'));

  constructor() {
    const { config } = ts.readConfigFile(path.join(REPO, 'tsconfig.json'), (file) => ts.sys.readFile(file));
    const { options } = ts.convertCompilerOptionsFromJson((config as { compilerOptions: unknown }).compilerOptions, REPO);
    for (const source of SOURCES) {
      for (const file of readdirSync(path.join(REPO, source), { recursive: true, encoding: 'utf8' })) {
        if (!file.endsWith('.ts') || file.endsWith('.spec.ts')) continue;
        const relative = path.join(source, file);
        const { outputText } = ts.transpileModule(readFileSync(path.join(REPO, relative), 'utf8'), {
          compilerOptions: { ...options, sourceMap: false },
          fileName: relative,
        });
        const target = path.join(this.dir, relative.replace(/\.ts$/, '.js'));
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, outputText);
      }
    }
    mkdirSync(path.join(this.dir, 'node_modules/@app'), { recursive: true });
    for (const library of LIBRARIES) {
      symlinkSync(path.join(this.dir, `libs/${library}/src`), path.join(this.dir, `node_modules/@app/${library}`));
    }
  }

  /** How to start another of the transpiled apps (tenant-api) as a process with the stack's settings. */
  appProcess(stack: TestStack, app: string, environment: Record<string, string>): { args: string[]; env: NodeJS.ProcessEnv } {
    return {
      args: [path.join(this.dir, `apps/${app}/src/main.js`)],
      env: { PATH: process.env.PATH, NODE_PATH: path.join(REPO, 'node_modules'), ...environmentOf(stack), ...environment },
    };
  }

  /** The tenant migrations as .js, loadable by the worker in the test and by the CLI alike. */
  get tenantMigrationsDir(): string {
    return path.join(this.dir, 'migrations/tenant');
  }

  /** Runs `tenants <args>` against the stack's master, Redis prefix and tenant server; never rejects. */
  run(stack: TestStack, args: string[], environment: Record<string, string> = {}): Promise<CliRun> {
    const env = { PATH: process.env.PATH, NODE_PATH: path.join(REPO, 'node_modules'), ...environmentOf(stack), ...environment };
    const main = path.join(this.dir, 'apps/cli/src/main.js');
    return new Promise((resolve) => {
      execFile(process.execPath, [main, ...args], { cwd: REPO, env, timeout: 60_000 }, (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      });
    });
  }

  /** Runs a command that must succeed with `--json`, and returns what it printed, parsed. */
  async json<T = any>(stack: TestStack, args: string[], environment: Record<string, string> = {}): Promise<T> {
    const run = await this.run(stack, [...args, '--json'], environment);
    if (run.code !== 0) throw new Error(`tenants ${args.join(' ')} exited ${run.code}:\n${run.stderr}${run.stdout}`);
    return JSON.parse(run.stdout) as T;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The settings the stack's apps run with, as environment variables for another process. */
function environmentOf(stack: TestStack): Record<string, string> {
  const { config } = stack;
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    DATABASE_URL: config.master.url,
    TENANT_DATABASE_URL: config.tenantServer.maintenanceUrl,
    ...stack.redisEnvironment(),
    QUEUE_PREFIX: config.redis.prefix,
    TENANT_DB_PREFIX: config.tenants.databasePrefix,
    TENANT_DB_NAMING: config.tenants.databaseNaming,
    TENANT_SECRET_KEY: config.tenants.secretKey.toString('hex'),
    TENANT_MIGRATIONS_DIR: config.tenants.migrationsDir,
    TENANT_SEEDS: config.tenants.seedsEnabled ? 'on' : 'off',
    TENANT_SEEDS_DIR: config.tenants.seedsDir,
    PROVISION_ATTEMPTS: String(config.provisioning.attempts),
    PROVISION_BACKOFF_MS: String(config.provisioning.backoffMs),
    BACKUP_DIR: config.fleet.backupDir,
  };
}

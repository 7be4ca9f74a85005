import type { DynamicModule, INestApplication, INestApplicationContext } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test, TestingModule } from '@nestjs/testing';
import {
  ProvisioningQueue,
  ProvisionTenant,
  RunRolloutStep,
  TenantSchemaMigrator,
  TenantSeeder,
  TenantServerToolkits,
} from '@app/tenancy';
import { ApiModule } from '../apps/api/src/api.module';
import { TenantApiModule } from '../apps/tenant-api/src/tenant-api.module';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { TestStack } from './support/test-stack';

/**
 * What only a worker may build: the provisioner's connections to the database servers (the
 * toolkits hold them, and every catalog, admin, template and warm pool made on them) and what uses them.
 */
const WORKER_MACHINERY = {
  TenantServerToolkits,
  TenantSchemaMigrator,
  TenantSeeder,
  ProvisionTenant,
  // Migrates tenant databases: the api records rollouts, only workers run them.
  RunRolloutStep,
} as const;

/** The worker machinery an app resolves by token from any of its modules (`get` with strict: false). */
function resolvableIn(app: INestApplicationContext): string[] {
  const resolves = (token: (typeof WORKER_MACHINERY)[keyof typeof WORKER_MACHINERY]) => {
    try {
      return app.get(token, { strict: false }) !== undefined;
    } catch {
      return false;
    }
  };
  return Object.entries(WORKER_MACHINERY)
    .filter(([, token]) => resolves(token))
    .map(([name]) => name)
    .sort();
}

/**
 * The worker machinery an app holds, found by token, by class and by instance in every module,
 * so a provider registered under another token or a module imported anywhere is found too.
 */
function workerMachineryIn(app: INestApplicationContext): string[] {
  const found = new Set<string>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const [name, thing] of Object.entries(WORKER_MACHINERY)) {
      if (module.metatype === thing) found.add(name);
      for (const [token, wrapper] of module.providers) {
        const isClass = typeof thing === 'function';
        if (token === thing || wrapper.metatype === thing || (isClass && wrapper.instance instanceof thing)) found.add(name);
      }
    }
  }
  return [...found].sort();
}

describe('app composition', () => {
  // No warm spares or template to build: this test is about what each app constructs, not what it does.
  const stack = new TestStack({ WARM_POOL_SIZE: '0', TENANT_TEMPLATE: 'off' });
  const apps: INestApplication[] = [];
  let api: TestingModule;
  let worker: TestingModule;
  let tenantApi: TestingModule;

  /**
   * Starts an app from its root module, as createApiApp and createWorkerApp do (they add only the logger, HTTP
   * settings and the api's event subscription). Built as a TestingModule because its `get` throws on an unknown
   * token, where that of an app made by NestFactory exits the process.
   */
  const start = async (root: DynamicModule): Promise<TestingModule> => {
    const modules = await Test.createTestingModule({ imports: [root] }).compile();
    const app = modules.createNestApplication(new FastifyAdapter(), { logger: false });
    apps.push(app);
    await app.init();
    return modules;
  };

  beforeAll(async () => {
    api = await start(ApiModule.forRoot(stack.config));
    worker = await start(WorkerModule.forRoot(stack.config));
    tenantApi = await start(TenantApiModule.forRoot(stack.config));
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await stack.teardown();
  });

  it('builds none of the worker machinery in the api process', () => {
    expect(resolvableIn(api)).toEqual([]);
    expect(workerMachineryIn(api)).toEqual([]);
  });

  it('builds none of it, nor the queue, in a tenant app (tenant-api on libs/tenant-routing)', () => {
    expect(resolvableIn(tenantApi)).toEqual([]);
    expect(workerMachineryIn(tenantApi)).toEqual([]);
    expect(() => tenantApi.get(ProvisioningQueue, { strict: false })).toThrow();
  });

  it('builds all of it in the worker process', () => {
    expect(resolvableIn(worker)).toEqual(Object.keys(WORKER_MACHINERY).sort());
    expect(workerMachineryIn(worker)).toEqual(Object.keys(WORKER_MACHINERY).sort());
  });
});

import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { type DynamicModule, type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  AppConfig,
  MasterDatabaseModule,
  SeedTenants,
  SeedTenantsOptions,
  TenancyConfigModule,
  tenantLockKey,
  TenantRepository,
  TenantRoleLogin,
  TenantSecretCipher,
  TenantSeeder,
  DatabaseServerDirectory,
  DatabaseServerRepository,
} from '@app/tenancy';
import { Client } from 'pg';
import { createReadyTenant, ReadyTenant } from './support/ready-tenant';
import { useRunningStack } from './support/running-stack';
import { createOrg, waitForStatus } from './support/tenant-client';
import { TestStack } from './support/test-stack';
import { waitFor } from './support/wait-for';

/** test/fixtures/seeds: `01_seed_runs` (.ts) makes `seed_runs (seed, who)`; `02_first_user` (.js) adds a user. */
const FIXTURE_SEEDS = path.resolve(__dirname, 'fixtures/seeds');

/** A seed added later: records its run in seed_runs, which holds the role it ran as. */
const laterSeed = (name: string) => `exports.seed = async (knex) => { await knex('seed_runs').insert({ seed: '${name}' }); };\n`;

/** A private copy of the fixture seeds, which a test may add to. */
function copyOfFixtureSeeds(): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'tenant-seeds-'));
  cpSync(FIXTURE_SEEDS, directory, { recursive: true });
  return directory;
}

const seedRuns = (stack: TestStack, dbName: string) =>
  stack.query<{ seed: string; who: string }>('SELECT seed, who FROM seed_runs ORDER BY seed, who', [], dbName);
const recordedSeeds = (stack: TestStack, dbName: string) =>
  stack.query<{ name: string; applied_at: Date }>('SELECT name, applied_at FROM tenant_seeds ORDER BY name', [], dbName);
const tableOwners = async (stack: TestStack, dbName: string) => [...new Set(await stack.tableOwners(dbName))];
const createdAt = async (stack: TestStack, tenantId: string) =>
  (await stack.query<{ created_at: Date }>('SELECT created_at FROM tenants WHERE id = $1', [tenantId]))[0]!.created_at;

/** What `npm run tenants:seed` composes to seed (master, tenant logins, the seeds): no provisioner. */
@Module({})
class SeedingModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: SeedingModule,
      imports: [TenancyConfigModule.forRoot(config), MasterDatabaseModule],
      providers: [
        TenantRepository,
        TenantSecretCipher,
        DatabaseServerRepository,
        DatabaseServerDirectory,
        TenantRoleLogin,
        TenantSeeder,
        SeedTenants,
      ],
    };
  }
}

/** `npm run tenants:seed`'s use case, in process. */
async function seedTenants(stack: TestStack, options: SeedTenantsOptions = {}) {
  const context = await NestFactory.createApplicationContext(SeedingModule.forRoot(stack.config), { logger: false });
  try {
    return await context.get(SeedTenants).execute(options);
  } finally {
    await context.close();
  }
}

/** The comment that says which migrations and seeds the template was built from, once it is built. */
const templateMark = (stack: TestStack) =>
  stack.query<{ mark: string }>(
    "SELECT shobj_description(oid, 'pg_database') AS mark FROM pg_database WHERE datname = $1 AND datistemplate",
    [stack.internalNames.template],
    'postgres',
  );

describe('tenant seeds with plain CREATE DATABASE', () => {
  const seeds = copyOfFixtureSeeds();
  const flag = path.join(seeds, 'flaky-seed-failed-once');
  const world = useRunningStack({ TENANT_SEEDS_DIR: seeds, TENANT_TEMPLATE: 'off' });
  const { stack } = world;
  afterAll(() => rmSync(seeds, { recursive: true, force: true }));

  it("applies each seed once, after the migrations, as the tenant's role", async () => {
    const tenant = await createOrg(world.api, 'Plain Seeded');
    await waitForStatus(world.api, tenant.id, ['ready']);

    expect(await seedRuns(stack, tenant.dbName)).toEqual([
      { seed: '01_seed_runs', who: tenant.dbName },
      { seed: '02_first_user', who: tenant.dbName },
    ]);
    const recorded = await recordedSeeds(stack, tenant.dbName);
    expect(recorded.map((row) => row.name)).toEqual(['01_seed_runs', '02_first_user']);
    const created = await createdAt(stack, tenant.id);
    for (const row of recorded) expect(row.applied_at.getTime()).toBeGreaterThanOrEqual(created.getTime());
    expect(await stack.query('SELECT name, email FROM users', [], tenant.dbName)).toEqual([
      { name: 'First User', email: 'first@example.com' },
    ]);
    expect(await tableOwners(stack, tenant.dbName)).toEqual([tenant.dbName]);
  });

  it('a retried attempt applies only what the failed one did not, and nothing of a seed that failed', async () => {
    // Writes its row, then fails the first time it runs: its row must go with the failed attempt.
    writeFileSync(
      path.join(seeds, '03_flaky.js'),
      `const { existsSync, writeFileSync } = require('node:fs');
exports.seed = async (knex) => {
  await knex('seed_runs').insert({ seed: '03_flaky' });
  if (existsSync(${JSON.stringify(flag)})) return;
  writeFileSync(${JSON.stringify(flag)}, '');
  throw new Error('the first run of this seed fails');
};
`,
    );
    const tenant = await createOrg(world.api, 'Retried Seeds');
    const settled = await waitForStatus(world.api, tenant.id, ['ready', 'failed']);

    expect(settled).toMatchObject({ status: 'ready', attempts: 2 });
    // 01 creates its table and 02 a user with a unique email: run twice, either would have failed the retry.
    expect(await seedRuns(stack, tenant.dbName)).toEqual(
      ['01_seed_runs', '02_first_user', '03_flaky'].map((seed) => ({ seed, who: tenant.dbName })),
    );
    expect((await recordedSeeds(stack, tenant.dbName)).map((row) => row.name)).toEqual(['01_seed_runs', '02_first_user', '03_flaky']);
  });
});

describe('tenant seeds in the template, and tenants:seed', () => {
  const seeds = copyOfFixtureSeeds();
  const stack = new TestStack({ TENANT_SEEDS_DIR: seeds, WARM_POOL_SIZE: '0' });
  let api: string;
  let worker: INestApplication;
  const tenants: ReadyTenant[] = [];
  const addSeed = (name: string) => writeFileSync(path.join(seeds, `${name}.js`), laterSeed(name));

  beforeAll(async () => {
    api = await stack.startApi();
    worker = await stack.startWorker();
    await waitFor('the template', async () => (await templateMark(stack))[0]);
  });
  afterAll(async () => {
    await stack.teardown();
    rmSync(seeds, { recursive: true, force: true });
  });

  it('gives a tenant cloned from the template its seeds, applied once, before the tenant existed', async () => {
    const tenant = await createReadyTenant(stack, api, { name: 'From Template' });
    tenants.push(tenant);

    // Run in the template, by the role that owns its tables until a copy is handed over.
    expect(await seedRuns(stack, tenant.dbName)).toEqual(
      ['01_seed_runs', '02_first_user'].map((seed) => ({ seed, who: stack.internalNames.templateOwner })),
    );
    const created = await createdAt(stack, tenant.id);
    for (const row of await recordedSeeds(stack, tenant.dbName)) expect(row.applied_at.getTime()).toBeLessThan(created.getTime());
    expect(await tableOwners(stack, tenant.dbName)).toEqual([tenant.dbName]);
  });

  it("makes a ready tenant with fixtures in one call, inserted as the tenant's role", async () => {
    const tenant = await createReadyTenant(stack, api, {
      name: 'With Fixtures',
      fixtures: { users: [{ name: 'Ada', email: 'ada@example.com' }], seed_runs: [{ seed: 'fixture' }] },
    });
    tenants.push(tenant);

    expect(tenant).toMatchObject({ slug: 'with_fixtures', dbName: `${stack.config.tenants.databasePrefix}with_fixtures` });
    expect(tenant.rows.users).toEqual([{ id: expect.any(Number), name: 'Ada', email: 'ada@example.com' }]);
    const users = await stack.query<{ email: string }>('SELECT email FROM users ORDER BY id', [], tenant.dbName);
    expect(users.map((user) => user.email)).toEqual(['first@example.com', 'ada@example.com']);
    const [fixtureRun] = await stack.query('SELECT who FROM seed_runs WHERE seed = $1', ['fixture'], tenant.dbName);
    expect(fixtureRun).toEqual({ who: tenant.role });
  });

  it("tenants:seed applies a new seed to every ready tenant as the tenant's role, and skips it after", async () => {
    addSeed('03_later');

    expect(await seedTenants(stack)).toEqual({ seeded: 2, applied: 2, busy: [], failed: [] });
    for (const tenant of tenants) {
      expect(await stack.query('SELECT who FROM seed_runs WHERE seed = $1', ['03_later'], tenant.dbName)).toEqual([
        { who: tenant.role },
      ]);
      expect(await tableOwners(stack, tenant.dbName)).toEqual([tenant.dbName]);
    }
    expect(await seedTenants(stack)).toEqual({ seeded: 2, applied: 0, busy: [], failed: [] });
  });

  it('tenants:seed --tenant seeds only the tenant named, by slug or id', async () => {
    const [first, second] = tenants as [ReadyTenant, ReadyTenant];
    addSeed('04_one_by_one');

    expect(await seedTenants(stack, { tenant: first.slug })).toEqual({ seeded: 1, applied: 1, busy: [], failed: [] });
    expect(await stack.query("SELECT 1 FROM tenant_seeds WHERE name = '04_one_by_one'", [], second.dbName)).toEqual([]);
    expect(await seedTenants(stack, { tenant: second.id })).toEqual({ seeded: 1, applied: 1, busy: [], failed: [] });
    await expect(seedTenants(stack, { tenant: 'nobody_here' })).rejects.toMatchObject({ code: 'tenant_not_found' });
  });

  it('reports a tenant as busy while someone holds its lock, and seeds it once it is free', async () => {
    const [first] = tenants as [ReadyTenant];
    addSeed('05_while_busy');
    const holder = new Client({ connectionString: stack.config.master.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [tenantLockKey(first.id)]);
      expect(await seedTenants(stack)).toEqual({ seeded: 1, applied: 1, busy: [first.id], failed: [] });
    } finally {
      await holder.end();
    }
    expect(await seedTenants(stack, { tenant: first.id })).toEqual({ seeded: 1, applied: 1, busy: [], failed: [] });
  });

  it("runs nothing in a ready tenant's database but as its role: a tenant's trap gets no more than it has", async () => {
    const tenant = await createReadyTenant(stack, api, { name: 'Trapper' });
    tenants.push(tenant);
    const asTenant = new Client({ connectionString: tenant.url });
    await asTenant.connect();
    await asTenant.query(`
      CREATE TABLE spy (who text, got text);
      CREATE FUNCTION probe() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RESET ROLE;
        BEGIN
          INSERT INTO spy VALUES (current_user, left(pg_read_file('PG_VERSION'), 20));
        EXCEPTION WHEN insufficient_privilege THEN
          INSERT INTO spy VALUES (current_user, 'denied');
        END;
        RETURN NEW;
      END $$;
      CREATE TRIGGER trap BEFORE INSERT ON tenant_seeds FOR EACH ROW EXECUTE FUNCTION probe();
    `);
    await asTenant.end();
    addSeed('06_trapped');

    expect(await seedTenants(stack)).toEqual({ seeded: 3, applied: 3, busy: [], failed: [] });
    expect(await stack.query('SELECT who, got FROM spy', [], tenant.dbName)).toEqual([{ who: tenant.dbName, got: 'denied' }]);
  });

  it('rebuilds the template with the seeds added, once a worker starts with them', async () => {
    const [before] = await templateMark(stack);
    await stack.stop(worker);
    worker = await stack.startWorker();
    await waitFor('a rebuilt template', async () => {
      const [now] = await templateMark(stack);
      return now && now.mark !== before!.mark ? now : undefined;
    });

    const tenant = await createReadyTenant(stack, api, { name: 'From New Template' });
    const recorded = await recordedSeeds(stack, tenant.dbName);
    expect(recorded.map((row) => row.name)).toEqual([
      '01_seed_runs',
      '02_first_user',
      '03_later',
      '04_one_by_one',
      '05_while_busy',
      '06_trapped',
    ]);
    const created = await createdAt(stack, tenant.id);
    for (const row of recorded) expect(row.applied_at.getTime()).toBeLessThan(created.getTime());
    expect(await stack.query('SELECT count(*)::int AS runs FROM seed_runs', [], tenant.dbName)).toEqual([{ runs: 6 }]);
  });
});

describe('tenant seeds in a warm spare', () => {
  const seeds = copyOfFixtureSeeds();
  const world = useRunningStack({ TENANT_SEEDS_DIR: seeds, WARM_POOL_SIZE: '1' });
  const { stack } = world;
  afterAll(() => rmSync(seeds, { recursive: true, force: true }));

  const spares = async () =>
    (
      await stack.query<{ datname: string }>(
        'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
        [stack.internalNames.anyPoolPrefix],
        'postgres',
      )
    ).map((row) => row.datname);

  it('hands out a spare that carries the seeds, applied once', async () => {
    const [spare] = await waitFor('a warm spare', async () => {
      const now = await spares();
      return now.length === 1 ? now : undefined;
    });
    const tenant = await createOrg(world.api, 'From Spare');
    await waitForStatus(world.api, tenant.id, ['ready']);

    expect(await spares()).not.toContain(spare);
    expect(await seedRuns(stack, tenant.dbName)).toEqual(
      ['01_seed_runs', '02_first_user'].map((seed) => ({ seed, who: stack.internalNames.templateOwner })),
    );
    const created = await createdAt(stack, tenant.id);
    for (const row of await recordedSeeds(stack, tenant.dbName)) expect(row.applied_at.getTime()).toBeLessThan(created.getTime());
    expect(await tableOwners(stack, tenant.dbName)).toEqual([tenant.dbName]);
  });
});

describe('TENANT_SEEDS=off', () => {
  const world = useRunningStack({ TENANT_SEEDS_DIR: FIXTURE_SEEDS, TENANT_SEEDS: 'off', WARM_POOL_SIZE: '0' });
  const { stack } = world;

  it('applies no seed, at provisioning or with tenants:seed', async () => {
    await waitFor('the template', async () => (await templateMark(stack))[0]);
    const tenant = await createOrg(world.api, 'Unseeded');
    await waitForStatus(world.api, tenant.id, ['ready']);

    expect(await seedTenants(stack)).toEqual({ seeded: 0, applied: 0, busy: [], failed: [] });
    const tables = await stack.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
      [],
      tenant.dbName,
    );
    expect(tables.map((table) => table.tablename)).toEqual(['knex_migrations', 'knex_migrations_lock', 'users']);
    expect(await stack.query('SELECT * FROM users', [], tenant.dbName)).toEqual([]);
  });
});

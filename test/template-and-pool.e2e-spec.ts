import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { http } from './support/http';
import { createOrg, waitForStatus } from './support/tenant-client';
import { TestStack } from './support/test-stack';
import { waitFor } from './support/wait-for';

const EXTRA_MIGRATION = `
exports.up = (knex) => knex.schema.createTable('projects', (table) => table.increments('id'));
exports.down = (knex) => knex.schema.dropTable('projects');
`;

describe('template and warm pool', () => {
  const migrations = mkdtempSync(path.join(tmpdir(), 'tenant-migrations-'));
  const stack = new TestStack({ TENANT_MIGRATIONS_DIR: migrations, WARM_POOL_SIZE: '2' });
  let api: string;
  let worker: INestApplication;

  const workerHealth = async () => {
    const { port } = worker.getHttpServer().address();
    return (await http(`http://127.0.0.1:${port}`, 'GET', '/health')).body;
  };
  const spares = async () =>
    (
      await stack.query<{ datname: string }>(
        'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
        [stack.internalNames.anyPoolPrefix],
        'postgres',
      )
    ).map((row) => row.datname);
  const tables = async (dbName: string) =>
    (
      await stack.query<{ tablename: string; tableowner: string }>(
        "SELECT tablename, tableowner FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
        [],
        dbName,
      )
    ).map((row) => `${row.tablename}:${row.tableowner}`);

  beforeAll(async () => {
    cpSync(path.resolve(__dirname, '../migrations/tenant'), migrations, { recursive: true });
    api = await stack.startApi();
    worker = await stack.startWorker();
  });
  afterAll(async () => {
    await stack.teardown();
    rmSync(migrations, { recursive: true, force: true });
  });

  it('builds a template that nobody may connect to and fills the pool, visible in health', async () => {
    await waitFor('a full warm pool', async () => {
      const level = (await workerHealth()).details?.warm_pool;
      return level?.size === 2 ? level : undefined;
    });
    const [template] = await stack.query<{ datistemplate: boolean; datallowconn: boolean; owner: string }>(
      'SELECT datistemplate, datallowconn, pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1',
      [stack.internalNames.template],
      'postgres',
    );
    expect(template).toEqual({ datistemplate: true, datallowconn: false, owner: 'postgres' });
  });

  it('hands a spare to a new tenant, owned by the tenant role, and refills the pool', async () => {
    const before = await spares();
    const created = await createOrg(api, 'Pooled Tenant');
    await waitForStatus(api, created.id, ['ready']);
    // The template's tables belong to whoever owns the database: the tenant's role, and no other.
    expect(await tables(created.dbName)).toEqual(
      ['knex_migrations', 'knex_migrations_lock', 'users'].map((table) => `${table}:pg_database_owner`),
    );
    expect(await stack.tableOwners(created.dbName)).toEqual([created.dbName, created.dbName, created.dbName]);
    const [schema] = await stack.query<{ owner_may_create: boolean }>(
      "SELECT has_schema_privilege($1, 'public', 'CREATE') AS owner_may_create",
      [stack.internalNames.templateOwner],
      created.dbName,
    );
    expect(schema!.owner_may_create).toBe(false);
    const after = await waitFor('the pool to be refilled', async () => {
      const now = await spares();
      return now.length === 2 ? now : undefined;
    });
    expect(after.filter((spare) => before.includes(spare))).toHaveLength(1);
  });

  it('compacts the template, so its copies carry no visibility maps', async () => {
    const created = await createOrg(api, 'Compact Copy');
    await waitForStatus(api, created.id, ['ready']);
    const [maps] = await stack.query<{ tables: number; with_vm: number }>(
      `SELECT count(*)::int AS tables, count(*) FILTER (WHERE pg_relation_size(oid, 'vm') > 0)::int AS with_vm
       FROM pg_class WHERE relkind = 'r' AND NOT relisshared`,
      [],
      created.dbName,
    );
    expect(maps!.tables).toBeGreaterThan(50);
    expect(maps!.with_vm).toBe(0);
  });

  it('rebuilds the template when the migrations change and never hands out an old spare', async () => {
    const oldSpares = await spares();
    writeFileSync(path.join(migrations, '29990101000000_create_projects.js'), EXTRA_MIGRATION);
    await stack.stop(worker);
    worker = await stack.startWorker();

    const created = await createOrg(api, 'After Migration Change');
    await waitForStatus(api, created.id, ['ready']);
    expect(await stack.tableOwners(created.dbName, 'projects')).toEqual([created.dbName]);

    const fresh = await waitFor('a pool of new spares', async () => {
      const now = await spares();
      return now.length === 2 && now.every((spare) => !oldSpares.includes(spare)) ? now : undefined;
    });
    expect(fresh).toHaveLength(2);
  });

  it('never lets a tenant own the template, even after copies of it were handed out', async () => {
    const owners = await stack.query<{ owner: string }>(
      'SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1',
      [stack.internalNames.template],
      'postgres',
    );
    expect(owners).toEqual([{ owner: 'postgres' }]);
  });
});

describe('without template or pool', () => {
  const stack = new TestStack({ TENANT_TEMPLATE: 'off' });
  let api: string;

  beforeAll(async () => {
    api = await stack.startApi();
    await stack.startWorker();
  });
  afterAll(() => stack.teardown());

  it('creates and migrates the database from scratch, and makes no template', async () => {
    const created = await createOrg(api, 'Plain Path');
    await waitForStatus(api, created.id, ['ready']);
    const columns = await stack.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'users'", [], created.dbName);
    expect(columns).toHaveLength(1);
    const internal = await stack.query(
      'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
      [stack.internalNames.anyInternalPrefix],
      'postgres',
    );
    expect(internal).toEqual([]);
  });
});

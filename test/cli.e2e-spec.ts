import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ModulesContainer } from '@nestjs/core';
import { ProvisionTenant, RegisterTenant, TenantServerToolkits } from '@app/tenancy';
import { CommandFactory } from 'nest-commander';
import { CliModule } from '../apps/cli/src/cli.module';
import { CliBuild } from './support/cli-process';
import { TestStack } from './support/test-stack';

const newMigration = (table: string) => `
exports.up = (knex) => knex.schema.createTable('${table}', (table) => table.increments('id'));
exports.down = (knex) => knex.schema.dropTable('${table}');
`;

/** A seed that records its own name in the tenant's database. */
const namedSeed = (name: string) =>
  `exports.seed = async (knex) => {
    if (!(await knex.schema.hasTable('seeded'))) await knex.schema.createTable('seeded', (t) => t.text('name'));
    await knex('seeded').insert({ name: '${name}' });
  };\n`;

/**
 * `npm run tenants -- <command>` as an operator runs it: a separate process against the real
 * PostgreSQL and Redis, a worker (in this process) doing the provisioning it queues.
 */
describe('tenants CLI', () => {
  const cli = new CliBuild();
  const seeds = mkdtempSync(path.join(tmpdir(), 'cli-seeds-'));
  writeFileSync(path.join(seeds, '01_first.js'), namedSeed('first'));
  const backups = mkdtempSync(path.join(tmpdir(), 'cli-backups-'));
  const stack = new TestStack({
    TENANT_MIGRATIONS_DIR: cli.tenantMigrationsDir,
    TENANT_SEEDS_DIR: seeds,
    TENANT_TEMPLATE: 'off',
    WARM_POOL_SIZE: '0',
    PROVISION_ATTEMPTS: '1',
    BACKUP_DIR: backups,
  });
  const tenants = (...args: string[]) => cli.run(stack, args);
  const tenantsJson = <T = any>(...args: string[]) => cli.json<T>(stack, args);
  let acme: { id: string; slug: string; dbName: string };

  beforeAll(async () => {
    await stack.startWorker();
  });
  afterAll(async () => {
    await stack.teardown();
    cli.remove();
    for (const dir of [seeds, backups]) rmSync(dir, { recursive: true, force: true });
  });

  it('create --wait --json registers a tenant and returns once it is ready, with only JSON on stdout', async () => {
    const run = await tenants('create', 'Acme Corp', '--wait', '--json');
    expect(run.code).toBe(0);
    acme = JSON.parse(run.stdout);
    expect(acme).toMatchObject({ name: 'Acme Corp', slug: 'acme_corp', status: 'ready', step: 'ready', error: null });
    expect((acme as any).jobId).toBe(`provision-${acme.id}`);
    expect(await stack.query('SELECT name FROM seeded', [], acme.dbName)).toEqual([{ name: 'first' }]);
  });

  it('create without --wait answers at once with the pending tenant', async () => {
    const beta = await tenantsJson('create', 'Beta Ltd');
    expect(beta).toMatchObject({ name: 'Beta Ltd', slug: 'beta_ltd', status: 'pending', jobId: `provision-${beta.id}` });
    const again = await tenants('create', 'BETA-LTD');
    expect(again).toMatchObject({ code: 1, stdout: '' });
    expect(again.stderr).toContain('a tenant whose name maps to "beta_ltd" already exists');
  });

  it('create --wait exits 1 with the error when provisioning fails', async () => {
    const taken = `${stack.config.tenants.databasePrefix}squatted`;
    await stack.query(`CREATE DATABASE "${taken}"`, [], 'postgres');
    const run = await tenants('create', 'Squatted', '--wait', '--json');
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ slug: 'squatted', status: 'failed' });
    expect(run.stderr).toMatch(/tenant squatted is failed: database ".*squatted" exists but was not made by this service/);
  });

  it('list pages through the registry, newest first, by status and by name', async () => {
    const [all, first, failed, search, text] = await Promise.all([
      tenantsJson('list'),
      tenantsJson('list', '--limit', '2'),
      tenantsJson('list', '--status', 'failed'),
      tenantsJson('list', '--search', 'ACME'),
      tenants('list', '--status', 'ready'),
    ]);
    expect(all.items.map((t: any) => t.slug)).toEqual(['squatted', 'beta_ltd', 'acme_corp']);
    expect(all.nextCursor).toBeNull();
    expect(first.items.map((t: any) => t.slug)).toEqual(['squatted', 'beta_ltd']);
    const second = await tenantsJson('list', '--limit', '2', '--after', first.nextCursor);
    expect(second).toEqual({ items: [expect.objectContaining({ slug: 'acme_corp' })], nextCursor: null });
    expect(failed.items.map((t: any) => t.slug)).toEqual(['squatted']);
    expect(search.items.map((t: any) => t.id)).toEqual([acme.id]);

    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ID +SLUG +STATUS +SERVER +SCHEMA +CREATED +NAME\n/);
    expect(text.stdout).toMatch(new RegExp(`^${acme.id} +acme_corp +ready +default +\\S+ +\\S+ +Acme Corp$`, 'm'));
  });

  it('show finds a tenant by slug or id', async () => {
    const [bySlug, byId] = await Promise.all([tenantsJson('show', 'acme_corp'), tenantsJson('show', acme.id.toUpperCase())]);
    expect(bySlug).toMatchObject({ id: acme.id, dbName: acme.dbName, status: 'ready', operation: null });
    expect(bySlug.schemaMigration).toEqual(expect.any(String));
    expect(byId).toEqual(bySlug);
  });

  it('an unknown tenant, or Redis out of reach, is exit 1 with the message on stderr (and as JSON on stdout with --json)', async () => {
    const [run, json, noRedis] = await Promise.all([
      tenants('show', 'nobody'),
      tenants('show', 'nobody', '--json'),
      // Nothing listens on port 1: BullMQ alone would wait for a first connection forever.
      cli.run(stack, ['suspend', 'acme_corp'], { REDIS_URL: 'redis://127.0.0.1:1' }),
    ]);
    expect(run).toEqual({ code: 1, stdout: '', stderr: 'error: no tenant with id or slug "nobody"\n' });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ error: { code: 'tenant_not_found', message: 'no tenant with id or slug "nobody"' } });
    expect(noRedis).toMatchObject({
      code: 1,
      stdout: '',
      stderr: expect.stringMatching(/^error: Redis \(REDIS_URL\) did not answer .* nothing was recorded/),
    });
    expect(await tenantsJson('show', 'acme_corp')).toMatchObject({ status: 'ready', operation: null });
  });

  it('a bad option, argument or command is exit 2 with the usage', async () => {
    const misuses = [['list', '--limit', '0'], ['list', '--bogus'], ['show'], ['frobnicate']];
    const [badName, ...runs] = await Promise.all([tenants('create', '!!!'), ...misuses.map((args) => tenants(...args))]);
    runs.forEach((run, index) => {
      expect({ args: misuses[index], code: run.code, stdout: run.stdout }).toEqual({ args: misuses[index], code: 2, stdout: '' });
      expect(run.stderr).toMatch(/^error: .*\n[^]*Usage: tenants/);
    });
    expect(badName.code).toBe(2);
    expect(badName.stderr).toMatch(/^error: /);
  });

  it('seed applies a seed added later to every ready tenant, once', async () => {
    writeFileSync(path.join(seeds, '02_later.js'), namedSeed('later'));
    const ready = (await tenantsJson('list', '--status', 'ready', '--all')).items.length;
    expect(await tenantsJson('seed')).toEqual({ seeded: ready, applied: ready, busy: [], failed: [] });
    expect(await tenantsJson('seed', '--tenant', 'acme_corp')).toEqual({ seeded: 1, applied: 0, busy: [], failed: [] });
    expect(await stack.query('SELECT name FROM seeded ORDER BY name', [], acme.dbName)).toEqual([
      { name: 'first' },
      { name: 'later' },
    ]);

    const [unknown, failed] = await Promise.all([
      tenants('seed', '--tenant', 'nobody'),
      tenants('seed', '--tenant', 'squatted', '--json'),
    ]);
    expect(unknown).toMatchObject({ code: 1, stderr: 'error: no tenant with id or slug "nobody"\n' });
    expect(failed.code).toBe(1);
    expect(JSON.parse(failed.stdout).failed).toEqual([
      { tenantId: expect.any(String), error: expect.stringContaining('tenant is failed') },
    ]);
  });

  it('migrate rolls a new migration out to every ready tenant; rollout show reports it; rollback undoes it for one', async () => {
    writeFileSync(path.join(cli.tenantMigrationsDir, '29990101000000_create_invoices.js'), newMigration('invoices'));
    const plan = await tenantsJson('migrate', '--dry-run');
    expect(plan).toMatchObject({ dryRun: true, totals: { total: 2, current: 0, behind: 2, unknown: 0 } });
    expect(plan.tenants.map((t: any) => t.pending)).toEqual([['29990101000000_create_invoices'], ['29990101000000_create_invoices']]);

    const report = await tenantsJson('migrate', '--wait');
    expect(report).toMatchObject({ kind: 'migrate', state: 'completed', totals: { total: 2, migrated: 2, failed: 0 }, failed: [] });
    expect(report.tenants.items.map((t: any) => t.applied)).toEqual([
      ['29990101000000_create_invoices'],
      ['29990101000000_create_invoices'],
    ]);
    expect(await stack.query("SELECT tableowner FROM pg_tables WHERE tablename = 'invoices'", [], acme.dbName)).toEqual([
      { tableowner: acme.dbName },
    ]);
    const [shown, acmeNow, resumed, unknown, malformed] = await Promise.all([
      tenantsJson('rollout', 'show', report.id, '--state', 'migrated', '--limit', '1'),
      tenantsJson('show', 'acme_corp'),
      tenants('rollout', 'resume', report.id),
      tenants('rollout', 'show', '00000000-0000-4000-8000-000000000000'),
      tenants('rollout', 'cancel', 'yesterday'),
    ]);
    expect(shown).toMatchObject({ id: report.id, totals: report.totals, tenants: { items: [expect.anything()], nextCursor: 1 } });
    expect(acmeNow.schemaMigration).toBe('29990101000000_create_invoices');
    expect(resumed).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: rollout .* is completed/) });
    expect(unknown).toMatchObject({ code: 1, stderr: 'error: no rollout with id 00000000-0000-4000-8000-000000000000\n' });
    expect(malformed).toMatchObject({ code: 2, stdout: '' });

    const rollback = await tenantsJson('rollback', '--tenant', 'acme_corp', '--wait');
    expect(rollback).toMatchObject({ kind: 'rollback', state: 'completed', totals: { total: 1, migrated: 1 } });
    expect(await stack.query("SELECT 1 FROM pg_tables WHERE tablename = 'invoices'", [], acme.dbName)).toEqual([]);
  });

  it('suspend, resume, delete --purge and restore round trip a tenant, data intact, each refused from the wrong status', async () => {
    const rowsBefore = await stack.query('SELECT name FROM seeded ORDER BY name', [], acme.dbName);
    expect(await tenantsJson('suspend', 'acme_corp', '--wait')).toMatchObject({ id: acme.id, status: 'suspended', operation: null });
    const twice = await tenants('suspend', 'acme_corp');
    expect(twice).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'error: tenant is suspended; only a ready tenant can be suspended\n',
    });
    expect(await tenantsJson('resume', acme.id, '--wait')).toMatchObject({ status: 'ready', operation: null });

    const purged = await tenantsJson('delete', 'acme_corp', '--purge', '--wait');
    expect(purged).toMatchObject({ status: 'purged', operation: null, backup: { path: expect.stringMatching(/\.dump$/) } });
    const restored = await tenantsJson('restore', acme.id, '--wait');
    expect(restored).toMatchObject({ id: acme.id, status: 'ready', operation: null });
    expect(await stack.query('SELECT name FROM seeded ORDER BY name', [], acme.dbName)).toEqual(rowsBefore);

    const [kept, unknown] = await Promise.all([tenantsJson('delete', 'beta_ltd'), tenants('delete', 'nobody', '--no-backup')]);
    expect(kept).toMatchObject({ slug: 'beta_ltd', status: 'deleted', purgeAfter: expect.any(String) });
    expect(unknown).toMatchObject({ code: 1, stderr: 'error: no tenant with id or slug "nobody"\n' });
  });

  it("composes none of the worker's machinery: never the provisioner's connection to the tenant server", async () => {
    const streams = { stdout: process.stdout, stderr: process.stderr, ci: true };
    const app = await CommandFactory.createWithoutRunning(CliModule.forRoot(stack.config, streams));
    try {
      const tokens = [...app.get(ModulesContainer).values()].flatMap((module) => [module.metatype, ...module.providers.keys()]);
      expect(tokens).toContain(RegisterTenant);
      for (const machinery of [TenantServerToolkits, ProvisionTenant]) {
        expect(tokens).not.toContain(machinery);
      }
    } finally {
      await app.close();
    }
  });
});

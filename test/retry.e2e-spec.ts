import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { http } from './support/http';
import { createOrg, waitForStatus } from './support/tenant-client';
import { TestStack } from './support/test-stack';

/** A tenant migration that fails while a BROKEN file sits next to it. */
const FLAKY_MIGRATION = `
const { existsSync } = require('node:fs');
exports.up = async (knex) => {
  if (existsSync(require('node:path').join(__dirname, 'BROKEN'))) throw new Error('injected migration failure');
  await knex.schema.createTable('invoices', (table) => table.increments('id'));
};
exports.down = (knex) => knex.schema.dropTable('invoices');
`;

describe('a failing tenant migration', () => {
  const migrations = mkdtempSync(path.join(tmpdir(), 'tenant-migrations-'));
  const brokenMarker = path.join(migrations, 'BROKEN');
  const stack = new TestStack({ TENANT_MIGRATIONS_DIR: migrations, PROVISION_ATTEMPTS: '3' });
  let api: string;

  beforeAll(async () => {
    cpSync(path.resolve(__dirname, '../migrations/tenant'), migrations, { recursive: true });
    writeFileSync(path.join(migrations, '29990101000000_create_invoices.js'), FLAKY_MIGRATION);
    api = await stack.startApi();
    await stack.startWorker();
  });
  afterAll(async () => {
    await stack.teardown();
    rmSync(migrations, { recursive: true, force: true });
  });

  it('is retried, fails the tenant with the error, and succeeds after a fix and POST /retry', async () => {
    writeFileSync(brokenMarker, '');
    const created = await createOrg(api, 'Flaky Migrations Ltd');

    const failed = await waitForStatus(api, created.id, ['failed', 'ready']);
    expect(failed).toMatchObject({ status: 'failed', attempts: 3 });
    expect(failed.error).toContain('injected migration failure');
    expect(await stack.tenantDatabases()).toEqual([created.dbName]);

    rmSync(brokenMarker);
    const retried = await http(api, 'POST', `/org/${created.id}/retry`);
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ id: created.id, status: 'pending', jobId: created.jobId });

    const ready = await waitForStatus(api, created.id, ['ready', 'failed']);
    expect(ready).toMatchObject({ status: 'ready', attempts: 4, error: null });
    const tables = await stack.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename IN ('users', 'invoices') ORDER BY 1",
      [],
      created.dbName,
    );
    expect(tables.map((table) => table.tablename)).toEqual(['invoices', 'users']);
  });
});

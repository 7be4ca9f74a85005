import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { MigrateTenants } from '@app/tenancy';
import { MigrateTenantsModule } from '../apps/worker/src/migrate-tenants.module';
import { createOrg, waitForStatus } from './support/tenant-client';
import { TestStack } from './support/test-stack';

const NEW_MIGRATION = `
exports.up = (knex) => knex.schema.createTable('invoices', (table) => table.increments('id'));
exports.down = (knex) => knex.schema.dropTable('invoices');
`;

describe('migrating existing tenants', () => {
  const migrations = mkdtempSync(path.join(tmpdir(), 'tenant-migrations-'));
  const stack = new TestStack({ TENANT_MIGRATIONS_DIR: migrations });
  let api: string;

  beforeAll(async () => {
    cpSync(path.resolve(__dirname, '../migrations/tenant'), migrations, { recursive: true });
    api = await stack.startApi();
    await stack.startWorker();
  });
  afterAll(async () => {
    await stack.teardown();
    rmSync(migrations, { recursive: true, force: true });
  });

  const migrateAll = async () => {
    const context = await NestFactory.createApplicationContext(MigrateTenantsModule.forRoot(stack.config), {
      logger: false,
    });
    try {
      return await context.get(MigrateTenants).execute();
    } finally {
      await context.close();
    }
  };

  it('applies a new tenant migration to every ready tenant, as the tenant role, and again harmlessly', async () => {
    const tenants = await Promise.all(['Existing One', 'Existing Two'].map((name) => createOrg(api, name)));
    await Promise.all(tenants.map((tenant) => waitForStatus(api, tenant.id, ['ready'])));
    writeFileSync(path.join(migrations, '29990101000000_create_invoices.js'), NEW_MIGRATION);

    expect(await migrateAll()).toEqual({ migrated: 2, busy: [], failed: [] });
    for (const tenant of tenants) {
      const owners = await stack.query<{ tableowner: string }>(
        "SELECT tableowner FROM pg_tables WHERE tablename = 'invoices'",
        [],
        tenant.dbName,
      );
      expect(owners).toEqual([{ tableowner: tenant.dbName }]);
    }
    expect(await migrateAll()).toEqual({ migrated: 2, busy: [], failed: [] });
  });
});

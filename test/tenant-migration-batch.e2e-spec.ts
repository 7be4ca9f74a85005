import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { knex, Knex } from 'knex';
import { Client } from 'pg';
import { withDatabase } from '@app/tenancy';
import type { AppConfig } from '../libs/tenancy/src/config/app-config';
import { DirectoryMigrationSource } from '../libs/tenancy/src/postgres/directory-migration-source';
import { TenantSchemaMigrator } from '../libs/tenancy/src/tenant-databases/tenant-schema.migrator';

const SERVER_URL = withDatabase(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/master', 'postgres');

const createTable = (table: string) => `
exports.up = (knex) => knex.schema.createTable('${table}', (table) => table.increments('id'));
exports.down = (knex) => knex.schema.dropTable('${table}');
`;

/**
 * The migrator applies what is pending as one batch of its own (not Knex's migrate.latest()):
 * Knex must still read the result as its own, and what only Knex's migrator can do still works.
 */
describe('tenant migrations as one batch (TenantSchemaMigrator)', () => {
  const database = `migration_batch_${randomBytes(4).toString('hex')}`;
  const url = withDatabase(SERVER_URL, database);
  const dir = mkdtempSync(path.join(tmpdir(), 'migration-batch-'));
  const migrator = new TenantSchemaMigrator({
    tenants: { migrationsDir: dir },
    tenantServer: { maintenanceUrl: SERVER_URL },
  } as Pick<AppConfig, 'tenants' | 'tenantServer'>);
  let db: Knex;

  const write = (name: string, content: string) => writeFileSync(path.join(dir, `${name}.js`), content);
  const recorded = async () =>
    (await db('knex_migrations').select('name', 'batch').orderBy('id')) as { name: string; batch: number }[];
  const tableExists = async (table: string) =>
    (await db.raw<{ rows: { found: boolean }[] }>('SELECT to_regclass(?) IS NOT NULL AS found', [table])).rows[0]!.found;
  const server = async (sql: string) => {
    const client = new Client({ connectionString: SERVER_URL });
    await client.connect();
    await client.query(sql).finally(() => client.end());
  };

  beforeAll(async () => {
    await server(`CREATE DATABASE "${database}"`);
    db = knex({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
  });
  afterAll(async () => {
    await db?.destroy();
    await server(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    rmSync(dir, { recursive: true, force: true });
  });

  it("makes Knex's tables through Knex's migrator in a database that has none", async () => {
    write('001_first', createTable('first'));
    expect(await migrator.migrateAsTenant(url)).toEqual(['001_first']);
    expect(await recorded()).toEqual([{ name: '001_first', batch: 1 }]);
  });

  it('applies the pending migrations as the next batch, which Knex rolls back as one', async () => {
    write('002_second', createTable('second'));
    write('003_third', createTable('third'));
    expect(await migrator.migrateAsTenant(url)).toEqual(['002_second', '003_third']);
    expect(await recorded()).toEqual([
      { name: '001_first', batch: 1 },
      { name: '002_second', batch: 2 },
      { name: '003_third', batch: 2 },
    ]);
    expect(await migrator.migrateAsTenant(url)).toEqual([]);

    const source = new DirectoryMigrationSource(dir);
    const [, undone] = (await db.migrate.rollback({ migrationSource: source })) as [number, string[]];
    expect(undone).toEqual(['003_third', '002_second']);
    expect([await tableExists('second'), await tableExists('third')]).toEqual([false, false]);
    expect(await migrator.migrateAsTenant(url)).toEqual(['002_second', '003_third']);
  });

  it('frees a Knex lock a killed process left, so Knex itself is not refused afterwards', async () => {
    await db('knex_migrations_lock').update({ is_locked: 1 });
    write('004_fourth', createTable('fourth'));
    expect(await migrator.migrateAsTenant(url)).toEqual(['004_fourth']);
    expect(await db('knex_migrations_lock').select('is_locked')).toEqual([{ is_locked: 0 }]);
    const [, applied] = (await db.migrate.latest({ migrationSource: new DirectoryMigrationSource(dir) })) as [number, string[]];
    expect(applied).toEqual([]);
  });

  it('applies nothing of a batch in which one migration fails', async () => {
    write('005_fifth', createTable('fifth'));
    write('006_broken', `exports.up = (knex) => knex.raw('SELECT * FROM no_such_table'); exports.down = async () => {};`);
    await expect(migrator.migrateAsTenant(url)).rejects.toThrow(/no_such_table/);
    expect(await tableExists('fifth')).toBe(false);
    expect((await recorded()).map((row) => row.name)).not.toContain('005_fifth');
    unlinkSync(path.join(dir, '006_broken.js'));
    expect(await migrator.migrateAsTenant(url)).toEqual(['005_fifth']);
  });

  it("leaves a migration that asks for no transaction to Knex's migrator (CREATE INDEX CONCURRENTLY)", async () => {
    write(
      '007_concurrent_index',
      `exports.config = { transaction: false };
exports.up = (knex) => knex.raw('CREATE INDEX CONCURRENTLY fifth_id ON fifth (id)');
exports.down = (knex) => knex.raw('DROP INDEX fifth_id');`,
    );
    expect(await migrator.migrateAsTenant(url)).toEqual(['007_concurrent_index']);
    expect(await tableExists('fifth_id')).toBe(true);
    expect((await recorded()).at(-1)).toEqual({ name: '007_concurrent_index', batch: 5 });
  });
});

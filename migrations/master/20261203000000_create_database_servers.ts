import type { Knex } from 'knex';

const SERVER_STATES = ['active', 'draining', 'disabled'];
const inList = (values: string[]) => values.map((value) => `'${value}'`).join(', ');

/**
 * The PostgreSQL servers tenant databases live on. `default` is the server TENANT_DATABASE_URL
 * names: every process reads its URL from its own configuration, so its row keeps no URL and
 * every tenant made before servers existed is on it. Any other server's provisioner URL is kept
 * sealed (TENANT_SECRET_KEY), and its address without credentials, which tenant apps connect to.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('database_servers', (table) => {
    table.string('name', 40).primary();
    table.text('address');
    table.text('admin_url_sealed');
    table.integer('capacity').notNullable();
    table.string('state', 16).notNullable().defaultTo('active');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.check(`name ~ '^[a-z][a-z0-9-]{0,39}$'`, undefined, 'database_servers_name_format');
    table.check('capacity > 0', undefined, 'database_servers_capacity_positive');
    table.check(`state IN (${inList(SERVER_STATES)})`, undefined, 'database_servers_state_check');
    table.check(
      `(name = 'default') = (address IS NULL AND admin_url_sealed IS NULL)`,
      undefined,
      'database_servers_default_from_configuration',
    );
  });
  await knex('database_servers').insert({ name: 'default', capacity: 10_000 });
  await knex.schema.alterTable('tenants', (table) => {
    // Null while the tenant waits for room on some server.
    table.string('server', 40).references('name').inTable('database_servers');
  });
  await knex('tenants').update({ server: 'default' });
  // Placement counts the databases each server holds.
  await knex.raw(`CREATE INDEX tenants_server_index ON tenants (server) WHERE status <> 'purged'`);
  await knex.schema.alterTable('warm_spares', (table) => {
    table.string('server', 40).notNullable().defaultTo('default').references('name').inTable('database_servers');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('warm_spares', (table) => table.dropColumn('server'));
  await knex.raw('DROP INDEX tenants_server_index');
  await knex.schema.alterTable('tenants', (table) => table.dropColumn('server'));
  await knex.schema.dropTable('database_servers');
}

import type { Knex } from 'knex';

/**
 * Warm spares' preset role passwords, sealed. They used to sit in the spare role's comment,
 * which every role on the server can read; master is closed to tenants.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('warm_spares', (table) => {
    table.string('name', 63).primary();
    table.text('sealed_password').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('warm_spares');
}

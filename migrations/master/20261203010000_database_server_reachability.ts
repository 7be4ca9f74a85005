import type { Knex } from 'knex';

/** Since when the workers find a server unreachable (null while it answers): new tenants are placed elsewhere meanwhile. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('database_servers', (table) => {
    table.timestamp('unreachable_since', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('database_servers', (table) => table.dropColumn('unreachable_since'));
}

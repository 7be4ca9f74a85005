import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tenants', (table) => {
    // AES-256-GCM ciphertext (see TenantSecretCipher); the plain password is never stored.
    table.text('db_password_encrypted');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tenants', (table) => {
    table.dropColumn('db_password_encrypted');
  });
}

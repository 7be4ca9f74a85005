import type { Knex } from 'knex';

/**
 * Tenants' API keys. Only a SHA-256 of each key is kept: the keys are 256 random bits, so a
 * fast hash cannot be reversed by guessing, and a slow one (bcrypt, scrypt) would only cost every
 * authenticated request its time. `prefix` is the public part of the key that finds its row.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('tenant_api_keys', (table) => {
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    table.uuid('tenant_id').notNullable().references('id').inTable('tenants').onDelete('CASCADE');
    table.string('prefix', 32).notNullable().unique();
    table.text('secret_hash').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('last_used_at', { useTz: true });
    table.timestamp('revoked_at', { useTz: true });
    table.index(['tenant_id', 'created_at']);
    // A hex digest and nothing else: a key written here by mistake would be refused.
    table.check("secret_hash ~ '^[0-9a-f]{64}$'", undefined, 'tenant_api_keys_secret_hash_is_sha256_hex');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('tenant_api_keys');
}

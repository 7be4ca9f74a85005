import type { Knex } from 'knex';

const ROLLOUT_KINDS = ['migrate', 'rollback'];
const ROLLOUT_STATES = ['running', 'stopped', 'completed', 'cancelled'];
const STEP_STATES = ['pending', 'queued', 'running', 'migrated', 'skipped', 'failed', 'cancelled'];

/**
 * Fleet rollouts: one row per rollout (tenant migrations to a target, or rollbacks of each chosen
 * tenant's last batch) and one per tenant it covers, recorded before any job is queued so that the
 * master database, not Redis, says what is left to do. Each tenant's schema version is kept beside
 * it (the last migration applied and the fingerprint of the migrations it has), so a tenant
 * already current is skipped on one read of master.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tenants', (table) => {
    table.text('schema_migration');
    table.string('schema_fingerprint', 64);
  });
  await knex.schema.createTable('rollouts', (table) => {
    table.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    table.enu('kind', ROLLOUT_KINDS).notNullable();
    /** The fingerprint of the tenant migrations a `migrate` rollout brings tenants to. */
    table.string('target_fingerprint', 64);
    /** As asked: canary, continueOnError, tenants, statuses. */
    table.jsonb('options').notNullable().defaultTo('{}');
    table.enu('state', ROLLOUT_STATES).notNullable().defaultTo('running');
    table.text('error');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.timestamp('finished_at', { useTz: true });
    table.index(['created_at', 'id']);
  });
  // The reconciler's read: the few rollouts still running.
  await knex.raw(`CREATE INDEX rollouts_running_index ON rollouts (created_at) WHERE state = 'running'`);
  await knex.schema.createTable('rollout_tenants', (table) => {
    table.uuid('rollout_id').notNullable().references('id').inTable('rollouts').onDelete('CASCADE');
    table.uuid('tenant_id').notNullable().references('id').inTable('tenants').onDelete('CASCADE');
    /** 1, 2, …: the order tenants are taken in; a canary of N is positions 1 to N. */
    table.integer('position').notNullable();
    table.enu('state', STEP_STATES).notNullable().defaultTo('pending');
    /** Migration names applied (for a rollback: undone), in order. */
    table.jsonb('applied').notNullable().defaultTo('[]');
    table.integer('duration_ms');
    table.text('error');
    table.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.primary(['rollout_id', 'tenant_id']);
    table.unique(['rollout_id', 'position']);
    table.index(['rollout_id', 'state']);
    // Deleting a tenant row cascades here; without it each delete would scan every rollout.
    table.index(['tenant_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('rollout_tenants');
  await knex.schema.dropTable('rollouts');
  await knex.schema.alterTable('tenants', (table) => {
    table.dropColumns('schema_migration', 'schema_fingerprint');
  });
}

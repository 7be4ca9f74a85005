import type { Knex } from 'knex';

const STATUSES_BEFORE = ['pending', 'provisioning', 'ready', 'failed'];
const STATUSES = [...STATUSES_BEFORE, 'suspended', 'deleted', 'purged'];
const OPERATIONS = ['suspend', 'resume', 'delete', 'purge', 'restore'];

const inList = (values: string[]) => values.map((value) => `'${value}'`).join(', ');

/**
 * A tenant's life after provisioning: suspended, deleted (data kept until `purge_after`), purged
 * (database and role dropped, a backup kept; the row stays as a tombstone) and restored. The
 * operation in progress is recorded here, so a worker that dies mid-way is replaced by another
 * that finds it. A name is free again only once its tenant is purged: slug and database name are
 * unique among the tenants that are not.
 */
export async function up(knex: Knex): Promise<void> {
  // knex's enu() made a CHECK constraint named after the table and column.
  await knex.raw(
    `ALTER TABLE tenants DROP CONSTRAINT tenants_status_check,
       ADD CONSTRAINT tenants_status_check CHECK (status IN (${inList(STATUSES)}))`,
  );
  await knex.schema.alterTable('tenants', (table) => {
    table.string('operation', 16);
    table.text('operation_error');
    table.timestamp('deleted_at', { useTz: true });
    table.timestamp('purge_after', { useTz: true });
    table.timestamp('purged_at', { useTz: true });
    /** `DELETE /org/:id?backup=false` is remembered until the purge that honours it, days later maybe. */
    table.boolean('backup_on_purge').notNullable().defaultTo(true);
    table.text('backup_path');
    table.string('backup_checksum', 64);
    /** The archive a restore in progress reads, and its SHA-256 when it is a recorded backup. */
    table.text('restore_from');
    table.string('restore_checksum', 64);
    table.check(`operation IN (${inList(OPERATIONS)})`, undefined, 'tenants_operation_check');
    table.check("backup_checksum ~ '^[0-9a-f]{64}$'", undefined, 'tenants_backup_checksum_is_sha256_hex');
    table.check("restore_checksum ~ '^[0-9a-f]{64}$'", undefined, 'tenants_restore_checksum_is_sha256_hex');
    table.dropUnique(['slug']);
    table.dropUnique(['db_name']);
  });
  await knex.raw(`CREATE UNIQUE INDEX tenants_live_slug_unique ON tenants (slug) WHERE status <> 'purged'`);
  await knex.raw(`CREATE UNIQUE INDEX tenants_live_db_name_unique ON tenants (db_name) WHERE status <> 'purged'`);
  // Tombstones keep their slug: looking one up by it stays cheap.
  await knex.raw(`CREATE INDEX tenants_purged_slug_index ON tenants (slug) WHERE status = 'purged'`);
  // The reconciler's and the purge finder's reads.
  await knex.raw('CREATE INDEX tenants_operation_index ON tenants (updated_at) WHERE operation IS NOT NULL');
  await knex.raw(`CREATE INDEX tenants_purge_due_index ON tenants (purge_after) WHERE status = 'deleted'`);
}

/** Refuses (the status check fails) while a tenant is suspended, deleted or purged. */
export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX tenants_purge_due_index, tenants_operation_index, tenants_purged_slug_index');
  await knex.raw('DROP INDEX tenants_live_db_name_unique, tenants_live_slug_unique');
  await knex.schema.alterTable('tenants', (table) => {
    table.unique(['slug']);
    table.unique(['db_name']);
    table.dropChecks(['tenants_operation_check', 'tenants_backup_checksum_is_sha256_hex', 'tenants_restore_checksum_is_sha256_hex']);
    table.dropColumns(
      'operation',
      'operation_error',
      'deleted_at',
      'purge_after',
      'purged_at',
      'backup_on_purge',
      'backup_path',
      'backup_checksum',
      'restore_from',
      'restore_checksum',
    );
  });
  await knex.raw(
    `ALTER TABLE tenants DROP CONSTRAINT tenants_status_check,
       ADD CONSTRAINT tenants_status_check CHECK (status IN (${inList(STATUSES_BEFORE)}))`,
  );
}

import type { Knex } from 'knex';

const OPERATIONS_BEFORE = ['suspend', 'resume', 'delete', 'purge', 'restore'];
const OPERATIONS = [...OPERATIONS_BEFORE, 'move'];

const inList = (values: string[]) => values.map((value) => `'${value}'`).join(', ');

/**
 * A tenant moved to another database server. While `operation = 'move'` the row says where
 * from and where to: a worker that dies mid-move is replaced by one that decides from these and
 * from what exists on each server whether to copy, switch the registry (`server`) or only drop
 * what is left on the source.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    `ALTER TABLE tenants DROP CONSTRAINT tenants_operation_check,
       ADD CONSTRAINT tenants_operation_check CHECK (operation IN (${inList(OPERATIONS)}))`,
  );
  await knex.schema.alterTable('tenants', (table) => {
    table.string('move_source', 40).references('name').inTable('database_servers');
    table.string('move_target', 40).references('name').inTable('database_servers');
    table.check(
      `(move_source IS NULL) = (move_target IS NULL) AND move_source <> move_target`,
      undefined,
      'tenants_move_between_two_servers',
    );
  });
  // A server's room counts the tenants moving onto it.
  await knex.raw('CREATE INDEX tenants_move_target_index ON tenants (move_target) WHERE move_target IS NOT NULL');
}

/** Refuses (the operation check fails) while a move is under way. */
export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX tenants_move_target_index');
  await knex.schema.alterTable('tenants', (table) => {
    table.dropChecks(['tenants_move_between_two_servers']);
    table.dropColumns('move_source', 'move_target');
  });
  await knex.raw(
    `ALTER TABLE tenants DROP CONSTRAINT tenants_operation_check,
       ADD CONSTRAINT tenants_operation_check CHECK (operation IN (${inList(OPERATIONS_BEFORE)}))`,
  );
}

/**
 * Query options under which `pg` prepares a statement once per connection and then only binds
 * and runs it: `.options(preparedStatement('…'))` on a Knex query, spread into a `pg` query
 * config. For the statements run once or more per tenant: PostgreSQL plans a join or a CTE of
 * updates in more time than it runs it (a rollout step's master statements, when there were
 * six: 1.06 ms of backend CPU planned each time, 0.35 prepared). A name stands for one SQL text on every
 * connection (`pg` refuses a second text under a used name), so only queries whose text never
 * varies get one. Behind PgBouncer in transaction mode this needs version 1.21 or later with
 * `max_prepared_statements` set.
 */
export function preparedStatement(name: string): { name: string } {
  return { name };
}

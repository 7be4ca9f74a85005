import { quoteIdentifier as q } from '../postgres/quote-identifier';
import { withClient } from '../postgres/with-client';

/** `schema.table` → its exact number of rows. */
export type TableRowCounts = Record<string, number>;

const TABLES = `SELECT n.nspname AS schema, c.relname AS table
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema' AND NOT starts_with(n.nspname, 'pg_')
                 ORDER BY 1, 2`;

/**
 * Every table's exact row count, read by whoever `url` logs in as (the tenant's role: what it
 * cannot read is no part of its data), in one snapshot.
 */
export function tableRowCounts(url: string): Promise<TableRowCounts> {
  return withClient(url, async (client) => {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const tables = (await client.query<{ schema: string; table: string }>(TABLES)).rows;
    const counts: TableRowCounts = {};
    for (const { schema, table } of tables) {
      const { rows } = await client.query<{ count: string }>(`SELECT count(*) AS count FROM ${q(schema)}.${q(table)}`);
      counts[`${schema}.${table}`] = Number(rows[0]!.count);
    }
    await client.query('COMMIT');
    return counts;
  });
}

/** The tables whose counts differ, `table: source → target`; empty when the copy holds every row. */
export function countDifferences(source: TableRowCounts, target: TableRowCounts): string[] {
  const tables = [...new Set([...Object.keys(source), ...Object.keys(target)])].sort();
  return tables
    .filter((table) => source[table] !== target[table])
    .map((table) => `${table}: ${source[table] ?? 'missing'} → ${target[table] ?? 'missing'}`);
}

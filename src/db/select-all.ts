/** INSERT … SELECT with drizzle on libSQL and D1 alike (D1 batches only query-builder statements, not raw SQL). */
import { getTableColumns, sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";

/**
 * `select` of every insertable column of `table` in drizzle's order, for `db.insert(table).select(…)`:
 * `exprs` by property name, the column default for the rest (an autoincrement id gets null).
 */
export function selectAll(table: SQLiteTable, exprs: Record<string, SQL>, from: SQL): SQL {
  const parts = Object.entries(getTableColumns(table) as Record<string, SQLiteColumn>)
    .filter(([, col]) => !(col as unknown as { shouldDisableInsert(): boolean }).shouldDisableInsert()) // drizzle's own list
    .map(([key, col]) => {
      if (exprs[key]) return exprs[key];
      if (col.default !== undefined && col.default !== null) return sql`${sql.param(col.default, col)}`;
      return sql`null`;
    });
  return sql`select ${sql.join(parts, sql`, `)} ${from}`;
}

/**
 * Is the database the schema this code expects (R29)? Migrations apply in one batch, so a failed migration leaves
 * nothing behind; this check catches the rest — a file migrated by hand, restored half-way, or left by a newer
 * release — before the app writes to it.
 */
import { getTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";
import * as schema from "./schema.js";
import type { Db } from "./types.js";

const tables = (Object.values(schema) as unknown[]).filter((v): v is SQLiteTable => v instanceof SQLiteTable);

/** What is missing, as "table" or "table.column"; empty when every table and column of the schema exists. */
export async function missingSchema(db: Db): Promise<string[]> {
  const missing: string[] = [];
  for (const t of tables) {
    const { name, columns } = getTableConfig(t);
    const have = new Set((await db.all<{ name: string }>(sql.raw(`select name from pragma_table_info('${name}')`))).map((r) => r.name));
    if (have.size === 0) missing.push(name);
    else for (const c of columns) if (!have.has(c.name)) missing.push(`${name}.${c.name}`);
  }
  return missing;
}

/** Migrations recorded in the database that this code does not know: a newer release wrote to it. */
export async function unknownMigrations(db: Db, knownMillis: number[]): Promise<number> {
  const rows = await db.all<{ at: number }>(sql`select created_at as at from __drizzle_migrations`);
  const known = new Set(knownMillis.map(Number));
  return rows.filter((r) => !known.has(Number(r.at))).length;
}

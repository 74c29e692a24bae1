/**
 * Write statements built once per shape and handle, then bound per call (issue 12). Drizzle builds a statement's
 * text from its objects every time — for the seven writes of a chat 进展 that was ~0.18 ms of CPU, a fifth of the
 * command — while the text depends only on the shape: the table, the columns set, the SQL around the values.
 *
 * `build(v)` makes the statement, with `v(name)` where values[name] goes. On libSQL it is built once per handle and
 * `key` with placeholders, and each call binds its values (drizzle's own column encoders still apply: JSON, booleans).
 * A value that is itself SQL (a subquery naming a case by its write token) cannot be a placeholder: such a call, and
 * every call on D1 (whose prepared statements belong to the binding), builds the statement with the values in place.
 */
import { is, isSQLWrapper, Param, Placeholder, sql } from "drizzle-orm";
import { prepared, reusable } from "./prepared.js";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "./types.js";

type Item = Parameters<Db["batch"]>[0][number];
type Built = { sql: string; params: unknown[] };
type Prepared = { getQuery(): Built; mapResult(result: unknown, isFromBatch?: boolean): unknown };
// `any`: a placeholder stands for a value of any column type.
type V = (name: string) => any;

export function bound(db: Db, key: string, values: Record<string, unknown>, build: (v: V) => Item): Item {
  if (!reusable(db) || Object.values(values).some((x) => isSQLWrapper(x))) return build((name) => values[name]);
  const p = prepared(db, `bound:${key}`, () => (build((name) => sql.placeholder(name)) as unknown as { prepare(): Prepared }).prepare());
  const q = p.getQuery();
  const query = { sql: q.sql, params: q.params.map((x) => fill(x, values)) };
  // What drizzle's libSQL batch asks of an item: _prepare() → getQuery() and mapResult(); toSQL() for tests that
  // watch the statements of a batch.
  const prep = { getQuery: () => query, mapResult: (r: unknown, fromBatch?: boolean) => p.mapResult(r, fromBatch) };
  return { _prepare: () => prep, toSQL: () => query } as unknown as Item;
}

/** `db.insert(table).values(values)`, bound: a value left undefined takes the column's default, as in drizzle. */
export function boundInsert<T extends SQLiteTable>(db: Db, key: string, table: T, values: T["$inferInsert"]): Item {
  const given = Object.entries(values as Record<string, unknown>).filter(([, x]) => x !== undefined);
  const names = given.map(([k]) => k);
  return bound(db, `${key} ${names.join(",")}`, Object.fromEntries(given), (v) => db.insert(table).values(Object.fromEntries(names.map((k) => [k, v(k)])) as T["$inferInsert"]));
}

/**
 * drizzle's fillPlaceholders, except that null stays null: drizzle never encodes a null it binds directly, but
 * fillPlaceholders would turn it into the text 'null' in a JSON column.
 */
function fill(p: unknown, values: Record<string, unknown>): unknown {
  if (is(p, Placeholder)) return value(values, p.name);
  if (is(p, Param) && is(p.value, Placeholder)) {
    const v = value(values, p.value.name);
    return v === null ? null : p.encoder.mapToDriverValue(v);
  }
  return p;
}

function value(values: Record<string, unknown>, name: string): unknown {
  if (!(name in values)) throw new Error(`bound statement: no value for ${name}`);
  return values[name];
}

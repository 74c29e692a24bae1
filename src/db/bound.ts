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
  let slots = plans.get(p);
  if (!slots) plans.set(p, (slots = q.params.map(slot)));
  const params = new Array<unknown>(slots.length);
  for (let i = 0; i < slots.length; i++) params[i] = fill(slots[i], values);
  const query = { sql: q.sql, params };
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
 * What each parameter of a prepared statement takes, worked out once per statement: drizzle's `is()` walks the
 * class chain and was most of the binding's cost when asked per parameter per call.
 */
type Slot = { kind: "value"; name: string } | { kind: "encoded"; name: string; encode: (v: unknown) => unknown } | { kind: "fixed"; value: unknown };
const plans = new WeakMap<Prepared, Slot[]>();

function slot(p: unknown): Slot {
  if (is(p, Placeholder)) return { kind: "value", name: p.name };
  if (is(p, Param) && is(p.value, Placeholder)) {
    const encoder = p.encoder;
    return { kind: "encoded", name: p.value.name, encode: (v) => encoder.mapToDriverValue(v) };
  }
  return { kind: "fixed", value: p };
}

/**
 * drizzle's fillPlaceholders, except that null stays null: drizzle never encodes a null it binds directly, but
 * fillPlaceholders would turn it into the text 'null' in a JSON column.
 */
function fill(s: Slot, values: Record<string, unknown>): unknown {
  if (s.kind === "fixed") return s.value;
  const v = value(values, s.name);
  return s.kind === "value" || v === null ? v : s.encode(v);
}

function value(values: Record<string, unknown>, name: string): unknown {
  if (!(name in values)) throw new Error(`bound statement: no value for ${name}`);
  return values[name];
}

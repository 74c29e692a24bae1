/**
 * What crosses between the database threads (db-thread.ts) and the server's main thread (thread-client.ts):
 * results as plain arrays and errors as plain fields, because a structured clone keeps only an object's own
 * enumerable properties — a libSQL row's indices and `length`, and an error's class, would be lost.
 */
import { LibsqlError, type ResultSet, type Row } from "@libsql/client";
import type { GroupCommitOptions } from "./group-commit.js";

export type ThreadData = { file: string; role: "reader" | "writer"; groupCommit?: GroupCommitOptions; counters: SharedArrayBuffer };
/** Slots of the counters a thread shares with the main thread. */
export const COUNTERS = ["commits", "batches", "rolledBack", "largestGroup", "reads", "resets"] as const;

/** The id of a message that carries several calls (to the thread) or several answers (back). */
export const MANY = -1;

export type WireResult = { c: string[]; t: string[]; r: unknown[][]; n: number; i: bigint | undefined };
export type WireError = { name: string; message: string; code?: string; extendedCode?: string; rawCode?: number; stack?: string; cause?: WireError };

export function resultToWire(rs: ResultSet): WireResult {
  const r = new Array<unknown[]>(rs.rows.length);
  for (let i = 0; i < r.length; i++) r[i] = Array.prototype.slice.call(rs.rows[i]);
  return { c: rs.columns, t: rs.columnTypes, r, n: rs.rowsAffected, i: rs.lastInsertRowid };
}

/**
 * Rows read as @libsql/client's read: each column name an own enumerable property (the first of a repeated name
 * wins), indices and `length` not enumerable. The client defines every index and name with defineProperty, twice
 * per cell; here the names are plain assignments and the indices are getters on a prototype shared by every row of
 * the same columns, with the values array held under a symbol.
 */
const VALUES = Symbol("values");
type RowShape = { proto: object; names: [number, string][] };
const shapes = new Map<string, RowShape>();

function shapeOf(columns: string[]): RowShape {
  const key = columns.join("\u0000");
  let shape = shapes.get(key);
  if (!shape) {
    const proto = {};
    Object.defineProperty(proto, "length", { get(this: { [VALUES]: unknown[] }) { return this[VALUES].length; } });
    for (let i = 0; i < columns.length; i++) Object.defineProperty(proto, i, { get(this: { [VALUES]: unknown[] }) { return this[VALUES][i]; } });
    // As in the client, a name that is also an index or `length` stays the index's (or the length).
    const seen = new Set<string>(["length", ...columns.map((_, i) => String(i))]);
    const names: [number, string][] = [];
    columns.forEach((c, i) => {
      if (!seen.has(c)) names.push([i, c]);
      seen.add(c);
    });
    shape = { proto, names };
    if (shapes.size >= 1000) shapes.delete(shapes.keys().next().value!);
    shapes.set(key, shape);
  }
  return shape;
}

function row(values: unknown[], shape: RowShape): Row {
  const o = Object.create(shape.proto) as Record<string | symbol, unknown>;
  Object.defineProperty(o, VALUES, { value: values });
  for (const [i, name] of shape.names) o[name] = values[i];
  return o as unknown as Row;
}

class ThreadResultSet implements ResultSet {
  constructor(
    readonly columns: string[],
    readonly columnTypes: string[],
    readonly rows: Row[],
    readonly rowsAffected: number,
    readonly lastInsertRowid: bigint | undefined,
  ) {}
  toJSON() {
    const json = (v: unknown) => (typeof v === "bigint" ? String(v) : v instanceof ArrayBuffer ? Buffer.from(v).toString("base64") : v);
    return { columns: this.columns, columnTypes: this.columnTypes, rows: this.rows.map((r) => Array.prototype.map.call(r, json)), rowsAffected: this.rowsAffected, lastInsertRowid: this.lastInsertRowid === undefined ? null : String(this.lastInsertRowid) };
  }
}

export function resultFromWire(w: WireResult): ResultSet {
  const rows = new Array<Row>(w.r.length);
  const shape = rows.length ? shapeOf(w.c) : undefined;
  for (let i = 0; i < rows.length; i++) rows[i] = row(w.r[i], shape!);
  return new ThreadResultSet(w.c, w.t, rows, w.n, w.i);
}

export function errorToWire(e: unknown): WireError {
  if (!(e instanceof Error)) return { name: "Error", message: String(e) };
  const x = e as Error & { code?: unknown; extendedCode?: unknown; rawCode?: unknown };
  return {
    name: x.name,
    message: x.message,
    code: typeof x.code === "string" ? x.code : undefined,
    extendedCode: typeof x.extendedCode === "string" ? x.extendedCode : undefined,
    rawCode: typeof x.rawCode === "number" ? x.rawCode : undefined,
    stack: x.stack,
    cause: x.cause === undefined ? undefined : errorToWire(x.cause),
  };
}

/** The error as the caller would have had it without the thread: same class for libSQL errors, same code and message. */
export function errorFromWire(w: WireError): Error {
  const cause = w.cause ? errorFromWire(w.cause) : undefined;
  let e: Error & { code?: string; extendedCode?: string; rawCode?: number };
  if (w.name === "LibsqlError") {
    // The message already carries its "CODE: " prefix; the constructor would add it again.
    e = new LibsqlError(w.message, undefined as unknown as string, w.extendedCode, w.rawCode, cause);
    e.message = w.message;
  } else {
    e = new Error(w.message, cause ? { cause } : undefined);
    e.name = w.name;
  }
  if (w.code !== undefined) e.code = w.code;
  if (w.extendedCode !== undefined) e.extendedCode = w.extendedCode;
  if (w.rawCode !== undefined) e.rawCode = w.rawCode;
  if (w.stack) e.stack = w.stack;
  return e;
}

/**
 * Drizzle queries built once per database handle (issue 12). Drizzle builds a query's SQL text from its objects on
 * every call — for a 50-column case row that was the largest single CPU cost of a chat command after the writes —
 * while a prepared query keeps the text and binds `sql.placeholder` values at each run.
 *
 * Only on libSQL (embedded file, sqld, Turso), where the client and the handle live as long as the process. On D1 a
 * prepared query holds a statement of the binding, so it is built per call as before (a Worker's handle is per
 * request anyway).
 */
import type { Db } from "./types.js";

const kept = new WeakMap<Db, Map<string, unknown>>();

/** A handle whose prepared queries can be kept: a libSQL client (it has a protocol), not a D1 binding. */
export const reusable = (db: Db) => typeof (db as { $client?: { protocol?: unknown } }).$client?.protocol === "string";

/** The query `build` makes, built once per handle under `key` (a name unique per query shape). */
export function prepared<T>(db: Db, key: string, build: () => T): T {
  if (!reusable(db)) return build();
  let mine = kept.get(db);
  if (!mine) kept.set(db, (mine = new Map()));
  let q = mine.get(key) as T | undefined;
  if (q === undefined) mine.set(key, (q = build()));
  return q;
}

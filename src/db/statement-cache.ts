/**
 * Prepared statements kept per embedded libSQL connection (issue 12). @libsql/client prepares every statement anew
 * (`db.prepare(sql)` inside each execute), which was the largest CPU cost of a chat command after the writes. The
 * client sets a statement's modes (raw, safe integers), binds fresh arguments and runs it to completion on every
 * execute, and the binding is synchronous, so one connection never runs the same statement twice at once. A
 * schema change (by any connection) needs nothing here: SQLite re-prepares a kept statement at its next step (as
 * it would a fresh one, whose columns the client also reads before that step), and `remember` drops columns that
 * no longer fit. The cache used to ask `PRAGMA schema_version` before every statement to empty itself on a change:
 * in WAL mode each ask is a read transaction of its own (~8 µs), 11 per chat command, the largest single SQL cost of
 * a 我的 in bench/callback.ts. Bounded per connection (LRU).
 */
import { createRequire } from "node:module";

type Statement = { raw: (on?: boolean) => Statement; all: () => unknown[][]; columns?: () => unknown[] };
type DatabaseProto = { prepare: (this: object, sql: string) => Statement; close: (this: object) => unknown };

/** Statements kept per connection: the distinct SQL texts of the app are a few hundred. */
export const STATEMENTS_PER_CONNECTION = 500;

let installed = false;
type Cache = { statements: Map<string, Statement> };
const caches = new WeakMap<object, Cache>();

/** Install once per process, before the first connection: every embedded `libsql` Database keeps its statements. */
export function cacheStatements(): void {
  if (installed) return;
  installed = true;
  const proto = (createRequire(import.meta.url)("libsql") as { prototype: DatabaseProto }).prototype;
  const prepare = proto.prepare;
  const close = proto.close;
  proto.prepare = function (this: object, sql: string): Statement {
    let cache = caches.get(this);
    if (!cache) caches.set(this, (cache = { statements: new Map() }));
    const kept = cache.statements.get(sql);
    if (kept) {
      cache.statements.delete(sql); // most recently used last
      cache.statements.set(sql, kept);
      return kept;
    }
    const fresh = prepare.call(this, sql); // a statement that does not prepare throws and is not kept
    remember(fresh);
    if (timer) timed(fresh, sql);
    cache.statements.set(sql, fresh);
    if (cache.statements.size > STATEMENTS_PER_CONNECTION) cache.statements.delete(cache.statements.keys().next().value!);
    return fresh;
  };
  proto.close = function (this: object) {
    caches.delete(this); // dropped before the connection closes
    return close.call(this);
  };
}

/** Statements kept for one connection's Database object (tests). */
export const keptStatements = (database: object): number => caches.get(database)?.statements.size ?? 0;

/**
 * DUBAN_STMT_TIMER=1: time every statement by its SQL and print the costliest 25 to stderr at exit (a diagnostic
 * for performance work: CPU profiles lose the caller of a statement the client runs from a microtask).
 */
const timer = process.env.DUBAN_STMT_TIMER ? new Map<string, { n: number; ms: number; max: number; rows: number }>() : undefined;
if (timer) {
  process.on("exit", () => {
    const top = [...timer].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25);
    for (const [sql, t] of top) process.stderr.write(`${t.ms.toFixed(1).padStart(9)} ms ${String(t.n).padStart(7)}× max ${t.max.toFixed(1).padStart(6)} ms ${String(t.rows).padStart(9)} rows  ${sql.replace(/\s+/g, " ").slice(0, 300)}\n`);
  });
}
function timed(st: Statement, sql: string): void {
  const t = timer!;
  const target = st as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const m of ["all", "run", "get"]) { // not iterate: all() calls it, and would count twice
    const f = target[m];
    if (typeof f !== "function") continue;
    target[m] = function (this: unknown, ...a: unknown[]) {
      const t0 = performance.now();
      const r = f.apply(this, a);
      const e = t.get(sql) ?? { n: 0, ms: 0, max: 0, rows: 0 };
      const ms = performance.now() - t0;
      e.n++;
      e.ms += ms;
      e.max = Math.max(e.max, ms);
      if (Array.isArray(r)) e.rows += r.length;
      t.set(sql, e);
      return r;
    };
  }
}

/**
 * What the client asks of a statement on every execute and that cannot change while it is kept (a schema change
 * empties the cache): its columns (asked twice per execute; each call builds new objects in native code) and
 * whether it returns rows — `raw(true)` throws for one that does not, and the client catches that on every write,
 * so the first error is thrown again instead of a new one with its stack.
 */
function remember(st: Statement): void {
  const columns = st.columns;
  if (typeof columns === "function") {
    let known: unknown[] | undefined;
    st.columns = function (this: Statement) {
      return (known ??= columns.call(this));
    };
    // Another connection's schema change reaches this connection only when a statement steps (SQLite re-prepares
    // it then), after the client has read the columns: a result whose width differs from the kept columns, or an
    // empty one (nothing to compare), drops them, so the next execute reads them afresh.
    const all = st.all;
    st.all = function (this: Statement, ...args: unknown[]) {
      const rows = (all as (...a: unknown[]) => unknown[][]).apply(this, args);
      if (known && (!rows.length || rows[0].length !== known.length)) known = undefined;
      return rows;
    };
  }
  const raw = st.raw;
  let notData: unknown;
  st.raw = function (this: Statement, on?: boolean) {
    if (on === false || notData === undefined) {
      try {
        return raw.call(this, on);
      } catch (e) {
        if (on !== false) notData = e;
        throw e;
      }
    }
    throw notData;
  };
}
/**
 * Tables derived from cases and events (aggregates, search index): each can be rebuilt from the source rows alone.
 * `duban reindex` runs every entry, in order, after a restore or a bulk load by SQL (issue 12 item 6). A rebuild
 * must be idempotent and read in batches, so memory does not grow with the number of cases.
 */
import { rebuildCaseSearch } from "./case-search.js";
import type { Db } from "./types.js";
import { rebuildUnitDayStats } from "./unit-day-stats.js";

/** Progress of one rebuild: rows (or cases) done so far out of `total` (0 when unknown). */
export type Progress = (done: number, total: number) => void;

export type Derived = {
  name: string; // what `duban reindex --only <name>` selects
  tables: string[]; // the tables it fills
  zh: string; // what an operator reads on the terminal
  rebuild: (db: Db, onProgress?: Progress) => Promise<unknown>;
};

/** Every derived table. Add an entry with the feature that introduces the table. */
export const DERIVED: readonly Derived[] = [
  { name: "stats", tables: ["case_totals", "unit_day_stats"], zh: "案件统计与单位每日统计", rebuild: rebuildUnitDayStats },
  { name: "search", tables: ["case_search", "note_search"], zh: "全文检索索引", rebuild: rebuildCaseSearch },
];

export type Rebuilt = { name: string; tables: string[]; zh: string; ms: number };

/**
 * Rebuild every derived table (or only those named), one after another; a failure stops at that table and says
 * which. `now` reads a monotonic clock for the durations reported (passed in, so tests can count instead).
 */
export async function rebuildDerived(
  db: Db,
  opts: { only?: string[]; now: () => number; onStart?: (d: Derived) => void; onProgress?: (d: Derived, done: number, total: number) => void; onDone?: (r: Rebuilt) => void },
  registry: readonly Derived[] = DERIVED,
): Promise<Rebuilt[]> {
  const unknown = (opts.only ?? []).filter((n) => !registry.some((d) => d.name === n));
  if (unknown.length) throw new Error(`未知的派生数据 unknown derived data: ${unknown.join(", ")}（可选 known: ${registry.map((d) => d.name).join(", ") || "—"}）`);
  const out: Rebuilt[] = [];
  for (const d of registry) {
    if (opts.only?.length && !opts.only.includes(d.name)) continue;
    opts.onStart?.(d);
    const t0 = opts.now();
    try {
      await d.rebuild(db, (done, total) => opts.onProgress?.(d, done, total));
    } catch (e) {
      throw new Error(`rebuilding ${d.name} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    const r = { name: d.name, tables: d.tables, zh: d.zh, ms: opts.now() - t0 };
    opts.onDone?.(r);
    out.push(r);
  }
  return out;
}

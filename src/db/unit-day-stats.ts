/**
 * Aggregates of the case table that the digest, reports, rankings and dashboard read instead of the cases
 * themselves (issue 12): two small tables kept exact by SQL triggers on `cases` (INSERT / UPDATE of the
 * columns below / DELETE — so every writer, including bulk loads by SQL, is caught on libSQL and D1 alike),
 * and rebuilt from the cases by `rebuildUnitDayStats` (`duban reindex`).
 *
 * Both count only cases that are not cancelled. `unit_id` 0 stands for "no lead unit" (ids start at 1).
 *
 * case_totals — the current figures, one row per (lead unit, source, batch); tens of thousands at city scale:
 *   unit_id INTEGER, source TEXT, batch_id INTEGER (0 = no batch)   -- primary key
 *   total           cases
 *   closed          state = 'closed' (已办结 incl. 阶段性)
 *   staged          state = 'closed' and outcome = 'staged'
 *   open            state in (pending_ack, in_progress, pending_review, returned)
 *   closed_on_time  state = 'closed' and (due_at is null or closed_at <= due_at)
 *   rebounds        sum of rebound_count
 *   Overdue depends on the clock, so it is not stored: count open cases with `due_at < now` through the
 *   partial index cases_open_due_idx (only open rows), see `overdueByUnit` below.
 *
 * unit_totals — case_totals summed per lead unit (one row each), kept by triggers on case_totals (migration
 *   0034), so per-unit figures read a row per unit rather than summing every (unit, source, batch) row.
 *
 * unit_day_stats — per lead unit and business day, what today's case rows say happened on that day:
 *   unit_id INTEGER, day TEXT 'YYYY-MM-DD'                          -- primary key
 *   received        cases created that day (day of created_at)
 *   closed          cases now closed whose closed_at falls on that day
 *   staged          … of which 阶段性办结
 *   closed_on_time  … of which closed by their deadline
 *   due_open        cases now open (pending_ack, in_progress, returned) whose due_at falls on that day
 *   `day` is the date in UTC+8 (China Standard Time, the product's BUSINESS_TIMEZONE); a row is a pure function
 *   of the current case rows (not a log of transitions), so a rebuild gives exactly what the triggers keep.
 *   Windows (a week, 8 weeks of history) read at most units × days rows and never the case table.
 *
 * Readers here: figuresByUnit / figuresBySource / figuresByBatch (the Figures of db/stats.ts, equal to its scans;
 * test/node/schedules-scale.test.ts) and overdueList (the head of the overdue list, LIMITed).
 */
import { sql, type SQL } from "drizzle-orm";
import { toFigures, type Figures, type KeyedStats, type OverdueCase, type UnitStats } from "./stats.js";
import type { Db } from "./types.js";

/** One statement's worth of cases per rebuild step: a group-by over this many rows stays small in memory. */
const REBUILD_STEP = 20_000;

const OPEN = sql.raw(`('pending_ack','in_progress','pending_review','returned')`);
/** due_open's states (kept by the triggers of 0020). */
const OVERDUE = sql.raw(`('pending_ack','in_progress','returned')`);
/** Past due counts as overdue in these states (db/stats.ts OVERDUE_STATES): the condition of cases_open_due_idx. */
const PAST_DUE = sql.raw(`('pending_ack','in_progress','pending_review','returned')`);
const ON_TIME = sql.raw(`(state = 'closed' AND (due_at IS NULL OR coalesce(closed_at <= due_at, 0)))`);
const day = (col: string) => sql.raw(`date(${col} / 1000 + 28800, 'unixepoch')`);

/** Adds the figures of the cases with lo <= id < hi to both tables (the triggers' projection, summed). */
function addRange(lo: number, hi: number): SQL[] {
  // Integers written into the text: drizzle's D1 batch cannot bind parameters of raw statements.
  const range = sql.raw(`id >= ${Math.trunc(lo)} AND id < ${Math.trunc(hi)}`);
  return [
    sql`INSERT INTO case_totals (unit_id, source, batch_id, total, closed, staged, open, closed_on_time, rebounds)
      SELECT coalesce(lead_unit_id, 0), source, coalesce(batch_id, 0), count(*), sum(state = 'closed'), sum(state = 'closed' AND outcome IS 'staged'),
        sum(state IN ${OPEN}), sum(${ON_TIME}), sum(rebound_count)
      FROM cases WHERE ${range} AND state != 'cancelled' GROUP BY 1, 2, 3
      ON CONFLICT (unit_id, source, batch_id) DO UPDATE SET total = total + excluded.total, closed = closed + excluded.closed, staged = staged + excluded.staged,
        open = open + excluded.open, closed_on_time = closed_on_time + excluded.closed_on_time, rebounds = rebounds + excluded.rebounds`,
    sql`INSERT INTO unit_day_stats (unit_id, day, received, closed, staged, closed_on_time, due_open)
      SELECT unit_id, day, sum(received), sum(closed), sum(staged), sum(closed_on_time), sum(due_open) FROM (
        SELECT coalesce(lead_unit_id, 0) AS unit_id, ${day("created_at")} AS day, 1 AS received, 0 AS closed, 0 AS staged, 0 AS closed_on_time, 0 AS due_open
          FROM cases WHERE ${range} AND state != 'cancelled'
        UNION ALL
        SELECT coalesce(lead_unit_id, 0), ${day("closed_at")}, 0, 1, outcome IS 'staged', ${ON_TIME}, 0
          FROM cases WHERE ${range} AND state = 'closed' AND closed_at IS NOT NULL
        UNION ALL
        SELECT coalesce(lead_unit_id, 0), ${day("due_at")}, 0, 0, 0, 0, 1
          FROM cases WHERE ${range} AND state IN ${OVERDUE} AND due_at IS NOT NULL
      ) WHERE true GROUP BY unit_id, day
      ON CONFLICT (unit_id, day) DO UPDATE SET received = received + excluded.received, closed = closed + excluded.closed, staged = staged + excluded.staged,
        closed_on_time = closed_on_time + excluded.closed_on_time, due_open = due_open + excluded.due_open`,
  ];
}

/**
 * Recompute both tables from the cases (after a restore, or rows written with the triggers absent): empty them,
 * then add the cases by id range, so memory does not grow with the table. Idempotent. Run it while nothing else
 * writes cases (a write to a not-yet-added range would be counted twice); `duban reindex` is an operator's job.
 * `onProgress(done, total)` counts cases.
 */
export async function rebuildUnitDayStats(db: Db, onProgress?: (done: number, total: number) => void): Promise<void> {
  // unit_totals follows case_totals by trigger; emptied too, so a rebuild also mends a unit_totals that drifted.
  await db.batch([db.run(sql`DELETE FROM case_totals`), db.run(sql`DELETE FROM unit_totals`), db.run(sql`DELETE FROM unit_day_stats`)]);
  const [span] = await db.all<{ lo: number | null; hi: number | null; n: number }>(sql`SELECT min(id) AS lo, max(id) AS hi, count(*) AS n FROM cases`);
  const total = Number(span?.n ?? 0);
  if (span?.lo == null || span.hi == null) return onProgress?.(0, 0);
  let done = 0;
  for (let lo = Number(span.lo); lo <= Number(span.hi); lo += REBUILD_STEP) {
    const hi = lo + REBUILD_STEP;
    const [a, b] = addRange(lo, hi);
    const [, , counted] = await db.batch([db.run(a), db.run(b), db.all<{ n: number }>(sql.raw(`SELECT count(*) AS n FROM cases WHERE id >= ${Math.trunc(lo)} AND id < ${Math.trunc(hi)}`))]);
    done += Number((counted as { n: number }[])[0]?.n ?? 0);
    onProgress?.(done, total);
  }
}

type Raw = { total: number; closed: number; staged: number; open: number; onTime: number; rebounds: number };
const SUMS = sql.raw(`sum(total) AS total, sum(closed) AS closed, sum(staged) AS staged, sum(open) AS open, sum(closed_on_time) AS onTime, sum(rebounds) AS rebounds`);

const figures = (r: Raw, overdue: number): Figures => toFigures(r, overdue);

type OverdueSums = { unit: Map<unknown, number>; source: Map<unknown, number>; batch: Map<unknown, number> };

/**
 * Open cases past due, counted per lead unit, per source and per batch name in ONE pass over cases_open_group_idx:
 * it holds state and due_at, so the count reads the index alone (cases_open_due_idx, which lacks state, read one
 * table row per case: 3 × ~0.2 s at 1 M cases). The groups are summed three ways in SQL, so few rows come back.
 * Calls for the same instant while one is under way share it: the digest asks for all three at once.
 */
const pendingSums = new WeakMap<Db, Map<number, Promise<OverdueSums>>>();

function overdueSums(db: Db, now: number): Promise<OverdueSums> {
  let byNow = pendingSums.get(db);
  if (!byNow) pendingSums.set(db, (byNow = new Map()));
  const running = byNow.get(now);
  if (running) return running;
  const p = db
    .all<{ kind: "u" | "s" | "b"; k: unknown; n: number }>(sql`
      WITH g AS MATERIALIZED (
        SELECT coalesce(lead_unit_id, 0) AS u, source AS s, batch_id AS b, count(*) AS n FROM cases INDEXED BY cases_open_group_idx
        WHERE state IN ${PAST_DUE} AND due_at < ${now} GROUP BY lead_unit_id, source, batch_id)
      SELECT 'u' AS kind, u AS k, sum(n) AS n FROM g GROUP BY u
      UNION ALL SELECT 's', s, sum(n) FROM g GROUP BY s
      UNION ALL SELECT 'b', (SELECT name FROM batches x WHERE x.id = g.b), sum(n) FROM g GROUP BY g.b`)
    .then((rows) => {
      const out: OverdueSums = { unit: new Map(), source: new Map(), batch: new Map() };
      const into = { u: out.unit, s: out.source, b: out.batch };
      for (const r of rows) into[r.kind].set(r.k, (into[r.kind].get(r.k) ?? 0) + Number(r.n ?? 0)); // two batches may share a name
      return out;
    })
    .finally(() => byNow.delete(now));
  byNow.set(now, p);
  return p;
}

/** The figures of db/stats.ts `statsByUnit`, from case_totals: one row per lead unit with cases (null = none). */
export async function figuresByUnit(db: Db, now: number): Promise<UnitStats[]> {
  const [rows, overdue] = await Promise.all([
    db.all<Raw & { unitId: number }>(sql`SELECT unit_id AS unitId, ${SUMS} FROM unit_totals GROUP BY unit_id HAVING sum(total) > 0 ORDER BY unit_id`),
    overdueSums(db, now),
  ]);
  return rows.map((r) => ({ unitId: r.unitId === 0 ? null : r.unitId, ...figures(r, overdue.unit.get(r.unitId) ?? 0) }));
}

type Keyed = { source: Map<string | null, Raw>; batch: Map<string | null, Raw> };
/** One pass over case_totals for both keys (the digest asks for both at once; each pass sums tens of thousands of rows). */
const pendingKeyed = new WeakMap<Db, Promise<Keyed>>();

function keyedTotals(db: Db): Promise<Keyed> {
  const running = pendingKeyed.get(db);
  if (running) return running;
  const p = db
    .all<Raw & { source: string; batch: string | null }>(sql`
      SELECT source, (SELECT name FROM batches b WHERE b.id = t.batch_id) AS batch, ${SUMS} FROM case_totals t GROUP BY source, batch_id`)
    .then((rows) => {
      const out: Keyed = { source: new Map(), batch: new Map() };
      const add = (m: Map<string | null, Raw>, k: string | null, r: Raw) => {
        const a = m.get(k) ?? { total: 0, closed: 0, staged: 0, open: 0, onTime: 0, rebounds: 0 };
        for (const f of ["total", "closed", "staged", "open", "onTime", "rebounds"] as const) a[f] += Number(r[f] ?? 0);
        m.set(k, a); // two batches may share a name: summed, as the SQL grouping by name did
      };
      for (const r of rows) {
        add(out.source, r.source, r);
        add(out.batch, r.batch, r);
      }
      return out;
    })
    .finally(() => pendingKeyed.delete(db));
  pendingKeyed.set(db, p);
  return p;
}

async function keyedFigures(db: Db, now: number, by: "source" | "batch"): Promise<KeyedStats[]> {
  const [totals, overdue] = await Promise.all([keyedTotals(db), overdueSums(db, now)]);
  // HAVING sum(total) > 0 ORDER BY total DESC, key — as the per-key SQL read them.
  const key = (k: string | null) => (k === null ? "" : `\u0001${k}`); // NULL first, then text in code order (SQLite's BINARY)
  const rows = [...totals[by]].filter(([, r]) => r.total > 0).sort((a, b) => b[1].total - a[1].total || (key(a[0]) < key(b[0]) ? -1 : key(a[0]) > key(b[0]) ? 1 : 0));
  return rows.map(([key, r]) => ({ key, ...figures(r, overdue[by].get(key) ?? 0) }));
}

/** `statsBySource` from case_totals. */
export const figuresBySource = (db: Db, now: number) => keyedFigures(db, now, "source");

/** `statsByBatch` from case_totals: keyed by batch name, null for cases outside any batch. */
export const figuresByBatch = (db: Db, now: number) => keyedFigures(db, now, "batch");

/** An overdue case as the digest lists it: with its 包案领导 and priority. */
export type OverdueRow = OverdueCase & { leaderUserId: string | null; priority: string };

/**
 * The first `limit` overdue cases, most overdue first (the order of db/stats.ts `overdueCases`). `awaiting: false`
 * leaves out the cases waiting on a leader's decision — closures awaiting review, open 延期 requests — which the digest
 * lists under 待领导决定; they are found in the index and skipped on their row, so the work stays within the limit
 * plus those few cases.
 */
export async function overdueList(db: Db, now: number, limit: number, o: { awaiting?: boolean; dueFrom?: number } = {}): Promise<OverdueRow[]> {
  const review = o.awaiting === false ? sql`AND state != 'pending_review' AND NOT (state = 'in_progress' AND ext_requested_at IS NOT NULL)` : sql``;
  const from = o.dueFrom === undefined ? sql`` : sql`AND due_at >= ${o.dueFrom}`; // one range of the index: cases due in a window
  const rows = await db.all<Omit<OverdueRow, "flagged"> & { flagged: number }>(sql`
    SELECT id, title, lead_unit_id AS leadUnitId, due_at AS dueAt, flagged, state, leader_user_id AS leaderUserId, priority FROM cases INDEXED BY cases_open_due_idx
    WHERE state IN ${PAST_DUE} AND due_at < ${now} ${from} ${review} ORDER BY due_at, id LIMIT ${Math.max(0, Math.floor(limit))}`);
  return rows.map((r) => ({ ...r, flagged: Boolean(r.flagged) }));
}

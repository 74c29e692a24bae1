/** Completion figures — one query module for chat (统计), the scheduled digest and reports, and the dashboard. */
import { sql, type SQL } from "drizzle-orm";
import { rankFairly, type RankOptions, type Ranked } from "../domain/fair-rank.js";
import type { Policy } from "../domain/policy.js";
import type { Db } from "./types.js";

export type Figures = {
  total: number;
  closed: number; // 已办结 incl. 阶段性办结
  staged: number; // 阶段性办结
  open: number;
  overdue: number;
  closedOnTime: number;
  rebounds: number;
  completionRate: number; // closed / total
  onTimeRate: number; // closedOnTime / closed
};
export type UnitStats = Figures & { unitId: number | null };
/** Figures per source (中央督察, 12345 …) or per batch (name; null = cases without a batch). */
export type KeyedStats = Figures & { key: string | null };

/** States in which a case counts as overdue once past due — the same rule as domain/lifecycle isOverdue. */
export const OVERDUE_STATES = sql`('pending_ack','in_progress','pending_review','returned')`;

type RawFigures = { total: number; closed: number; staged: number; open: number; overdue: number; onTime: number; rebounds: number };
const n = (x: unknown) => Number(x ?? 0);

/** Summed counts (SQL may hand back strings or null) as Figures, with the rates; `overdue` is counted apart. */
export function toFigures(r: Omit<RawFigures, "overdue">, overdue: number): Figures {
  const total = n(r.total);
  const closed = n(r.closed);
  return {
    total,
    closed,
    staged: n(r.staged),
    open: n(r.open),
    overdue,
    closedOnTime: n(r.onTime),
    rebounds: n(r.rebounds),
    completionRate: total ? closed / total : 0,
    onTimeRate: closed ? n(r.onTime) / closed : 0,
  };
}

const figures = (r: RawFigures): Figures => toFigures(r, n(r.overdue));

/*
 * Current figures come from case_totals and per-day figures from unit_day_stats (src/db/unit-day-stats.ts, kept
 * by triggers on cases). Overdue depends on the clock and is counted from the open cases through the partial
 * indexes of open cases (cases_open_group_idx; the list: cases_open_due_idx). So no figure here reads the case table beyond the open cases past due.
 */
const SUMS = sql.raw(`sum(total) as total, sum(closed) as closed, sum(staged) as staged, sum(open) as open, sum(closed_on_time) as onTime, sum(rebounds) as rebounds`);
const OVERDUE = sql.raw(`('pending_ack','in_progress','pending_review','returned')`); // = OVERDUE_STATES, the partial indexes' condition
/** The business day (UTC+8, as unit_day_stats keys it) of an instant given in SQL. */
const dayOf = (ms: SQL | number) => sql`date(${ms} / 1000 + 28800, 'unixepoch')`;
/** unit_id 0 stands for "no lead unit" in the aggregate tables. */
const unitIdOf = (k: number) => (k === 0 ? null : k);
const totalsScope = (unitId?: number) => (unitId === undefined ? sql`` : sql`where unit_id = ${unitId}`);
const casesScope = (unitId?: number) => (unitId === undefined ? sql`` : sql`and lead_unit_id = ${unitId}`);

type OverdueGroup = { u: number; s: string | null; b: string | null; n: number };
/** How finely overdueGroups splits: per unit, per unit and source, or per unit, source and batch. */
type Grouping = "unit" | "source" | "batch";

/**
 * Open cases past due at `at`, per lead unit (and source, and batch by name), in one pass over the partial index
 * of open cases in its own order (no sort); the callers sum the groups they need. Grouping no finer than needed
 * keeps the rows handed back few (500 units, not 6,000 unit × source × batch groups).
 */
async function overdueGroups(db: Db, at: number, unitId?: number, by: Grouping = "unit"): Promise<OverdueGroup[]> {
  const keys = by === "unit" ? sql`lead_unit_id` : by === "source" ? sql`lead_unit_id, source` : sql`lead_unit_id, source, batch_id`;
  const s = by === "unit" ? sql`null` : sql`source`;
  const b = by === "batch" ? sql`(select name from batches x where x.id = cases.batch_id)` : sql`null`;
  return db.all<OverdueGroup>(sql`
    select coalesce(lead_unit_id, 0) as u, ${s} as s, ${b} as b, count(*) as n
    from cases indexed by cases_open_group_idx
    where state in ${OVERDUE} and due_at < ${at} ${casesScope(unitId)}
    group by ${keys}`);
}

function sumBy<K>(groups: OverdueGroup[], key: (g: OverdueGroup) => K): Map<K, number> {
  const m = new Map<K, number>();
  for (const g of groups) m.set(key(g), (m.get(key(g)) ?? 0) + n(g.n));
  return m;
}

type UnitTotals = Omit<RawFigures, "overdue"> & { unitId: number };
/** Today's figures per unit from unit_totals (one read; the ranking shares it between now and last week). */
const unitTotals = (db: Db, unitId?: number) =>
  db.all<UnitTotals>(sql`select unit_id as unitId, ${SUMS} from unit_totals ${totalsScope(unitId)} group by unit_id`);

async function byUnit(totals: Promise<UnitTotals[]>, groups: Promise<OverdueGroup[]>): Promise<UnitStats[]> {
  const [rows, g] = await Promise.all([totals, groups]);
  const overdue = sumBy(g, (x) => n(x.u));
  return rows.filter((r) => n(r.total) > 0).map((r) => ({ unitId: unitIdOf(n(r.unitId)), ...figures({ ...r, overdue: overdue.get(n(r.unitId)) ?? 0 }) }));
}

export const statsByUnit = (db: Db, now: number, unitId?: number) => byUnit(unitTotals(db, unitId), overdueGroups(db, now, unitId, "unit"));

/** 单位排名: the figures now (or as of `at`) and as of `prevAt`, reading case_totals once. */
export async function rankingFigures(db: Db, now: number, at: number | undefined, prevAt: number): Promise<{ rows: UnitStats[]; prev: UnitStats[] }> {
  const totals = unitTotals(db);
  const both = overdueAtTwo(db, at ?? now, prevAt);
  const [rows, prev] = await Promise.all([
    at === undefined ? byUnit(totals, both.then((g) => g[0])) : asOf(db, totals, at, undefined, both.then((g) => g[0])),
    asOf(db, totals, prevAt, undefined, both.then((g) => g[1])),
  ]);
  return { rows, prev };
}

/** overdueGroups per unit at two instants, in one pass over the covering index of open cases (单位排名: now and a week before). */
async function overdueAtTwo(db: Db, a: number, b: number): Promise<[OverdueGroup[], OverdueGroup[]]> {
  const rows = await db.all<{ u: number; na: number; nb: number }>(sql`
    select coalesce(lead_unit_id, 0) as u, sum(due_at < ${a}) as na, sum(due_at < ${b}) as nb
    from cases indexed by cases_open_group_idx
    where state in ${OVERDUE} and due_at < ${Math.max(a, b)}
    group by lead_unit_id`);
  const at = (k: "na" | "nb") => rows.map((r) => ({ u: n(r.u), s: null, b: null, n: n(r[k]) }));
  return [at("na"), at("nb")];
}

async function keyedBy(db: Db, groups: Promise<OverdueGroup[]>, totalsKey: SQL, groupKey: (g: OverdueGroup) => string | null, unitId?: number): Promise<KeyedStats[]> {
  const [rows, g] = await Promise.all([
    db.all<RawFigures & { key: string | null }>(sql`select ${totalsKey} as key, ${SUMS} from case_totals ${totalsScope(unitId)} group by 1 having sum(total) > 0 order by total desc, key`),
    groups,
  ]);
  const overdue = sumBy(g, groupKey);
  return rows.map((r) => ({ key: r.key, ...figures({ ...r, overdue: overdue.get(r.key) ?? 0 }) }));
}

const keyed = (db: Db, now: number, totalsKey: SQL, groupKey: (g: OverdueGroup) => string | null, by: Grouping, unitId?: number) =>
  keyedBy(db, overdueGroups(db, now, unitId, by), totalsKey, groupKey, unitId);

/**
 * 总览's two tables (per unit, per source): case_totals grouped twice in SQL, and one pass over the open cases whose
 * groups are summed both ways in SQL, so few rows come back (handing thousands of rows to JS cost more than the scan).
 */
export async function overviewFigures(db: Db, now: number, unitId?: number): Promise<{ units: UnitStats[]; sources: KeyedStats[] }> {
  const [unitRows, sourceRows, overdue] = await Promise.all([
    db.all<RawFigures & { unitId: number }>(sql`select unit_id as unitId, ${SUMS} from unit_totals ${totalsScope(unitId)} group by unit_id having sum(total) > 0`),
    db.all<RawFigures & { key: string }>(sql`select source as key, ${SUMS} from case_totals ${totalsScope(unitId)} group by 1 having sum(total) > 0 order by total desc, key`),
    db.all<{ kind: "u" | "s"; k: number | string; n: number }>(sql`
      with g as materialized (
        select coalesce(lead_unit_id, 0) as u, source as s, count(*) as n from cases indexed by cases_open_group_idx
        where state in ${OVERDUE} and due_at < ${now} ${casesScope(unitId)} group by lead_unit_id, source)
      select 'u' as kind, u as k, sum(n) as n from g group by u
      union all select 's', s, sum(n) from g group by s`),
  ]);
  const od = new Map(overdue.map((r) => [`${r.kind}:${r.k}`, n(r.n)]));
  return {
    units: unitRows.map((r) => ({ unitId: unitIdOf(n(r.unitId)), ...figures({ ...r, overdue: od.get(`u:${n(r.unitId)}`) ?? 0 }) })),
    sources: sourceRows.map((r) => ({ key: r.key, ...figures({ ...r, overdue: od.get(`s:${r.key}`) ?? 0 }) })),
  };
}

/** Figures per source of the complaint (spec §1: 中央督察, 省督察, 12345 …). */
export const statsBySource = (db: Db, now: number, unitId?: number) => keyed(db, now, sql`source`, (g) => g.s, "source", unitId);

/** Figures per received batch (by name); cases outside any batch have key null. */
export const statsByBatch = (db: Db, now: number, unitId?: number) =>
  keyed(db, now, sql`(select name from batches b where b.id = case_totals.batch_id)`, (g) => g.b, "batch", unitId);

export function totals(rows: Figures[]): Figures {
  const sum = (k: keyof Figures) => rows.reduce((a, r) => a + Number(r[k] ?? 0), 0);
  const total = sum("total");
  const closed = sum("closed");
  return {
    total,
    closed,
    staged: sum("staged"),
    open: sum("open"),
    overdue: sum("overdue"),
    closedOnTime: sum("closedOnTime"),
    rebounds: sum("rebounds"),
    completionRate: total ? closed / total : 0,
    onTimeRate: closed ? sum("closedOnTime") / closed : 0,
  };
}

export type RankedUnit = UnitStats & Ranked;
/** What the ranking needs of a directory unit. */
export type RankUnit = { id: number; kind: string; active: boolean };

export const rankOptions = (p: Pick<Policy, "rankMinCases" | "cards">): RankOptions => ({ minCases: p.rankMinCases, cards: p.cards });

/**
 * 单位排名 — the one ranking of the page, 总览, 统计, the API, the digest and the reports (domain/fair-rank):
 * every unit of the directory but the office itself (a unit without cases, or with too few 应结件, is listed
 * unranked), ranked by the score. The figures are the aggregates' (closed, closed on time, open past due).
 */
export function rankUnits(rows: UnitStats[], units: RankUnit[], opts: RankOptions): RankedUnit[] {
  const byId = new Map(rows.filter((r) => r.unitId !== null).map((r) => [r.unitId!, r]));
  const none = toFigures({ total: 0, closed: 0, staged: 0, open: 0, onTime: 0, rebounds: 0 }, 0);
  const listed = units.filter((u) => u.kind !== "office" && (u.active || byId.has(u.id)));
  return rankFairly(
    listed.map((u) => ({ unitId: u.id, ...none, ...byId.get(u.id), overdueOpen: byId.get(u.id)?.overdue ?? 0 })),
    opts,
  );
}

export type Changes = { unitId: number | null; created: number; closed: number; rebounds: number; newlyOverdue: number };

/**
 * What changed per lead unit in [from, to): cases created, closures approved and rebounds (from the
 * timeline), and cases whose deadline fell in the window and are overdue at `to`.
 */
export async function changesByUnit(db: Db, from: number, to: number): Promise<Changes[]> {
  const events = await db.all<{ unitId: number | null; created: number; closed: number; rebounds: number }>(sql`
    select c.lead_unit_id as unitId, sum(e.kind = 'created') as created, sum(e.kind = 'closure_approved') as closed,
      sum(e.kind = 'rebound') as rebounds
    from case_events e join cases c on c.id = e.case_id
    where e.at >= ${from} and e.at < ${to} and e.kind in ('created','closure_approved','rebound') and c.state != 'cancelled'
    group by c.lead_unit_id`);
  const overdue = await db.all<{ unitId: number | null; n: number }>(sql`
    select lead_unit_id as unitId, count(*) as n from cases
    where state in ${OVERDUE_STATES} and due_at >= ${from} and due_at < ${to}
    group by lead_unit_id`);
  const byUnit = new Map<number | null, Changes>();
  const row = (unitId: number | null) => byUnit.get(unitId) ?? byUnit.set(unitId, { unitId, created: 0, closed: 0, rebounds: 0, newlyOverdue: 0 }).get(unitId)!;
  for (const e of events) Object.assign(row(e.unitId), { created: n(e.created), closed: n(e.closed), rebounds: n(e.rebounds) });
  for (const o of overdue) row(o.unitId).newlyOverdue = n(o.n);
  return [...byUnit.values()];
}

export function sumChanges(rows: Changes[]): Omit<Changes, "unitId"> {
  const sum = (k: "created" | "closed" | "rebounds" | "newlyOverdue") => rows.reduce((a, r) => a + r[k], 0);
  return { created: sum("created"), closed: sum("closed"), rebounds: sum("rebounds"), newlyOverdue: sum("newlyOverdue") };
}

export type OverdueCase = { id: number; title: string; leadUnitId: number | null; dueAt: number; flagged: boolean; state: string };

/** The cases counted in `overdue` above, most overdue first (so a list and its count agree); at most `limit`. */
export async function overdueCases(db: Db, now: number, unitId?: number, limit = 1_000_000): Promise<OverdueCase[]> {
  const rows = await db.all<Omit<OverdueCase, "flagged"> & { flagged: number }>(sql`
    select id, title, lead_unit_id as leadUnitId, due_at as dueAt, flagged, state from cases indexed by cases_open_due_idx
    where state in ${OVERDUE} and due_at < ${now} ${casesScope(unitId)}
    order by due_at, id limit ${limit}`);
  return rows.map((r) => ({ ...r, flagged: Boolean(r.flagged) }));
}

/**
 * Cases received (created) and closed in each window [start, end) — the 总览 trend line — summed over the days
 * of unit_day_stats. "Closed" counts the cases whose (current) closing falls in the window, so a case closed,
 * rebounded and closed again counts once, in its last closing week.
 */
export async function flowByWindow(db: Db, windows: { start: number; end: number }[], unitId?: number): Promise<{ received: number; closed: number }[]> {
  if (windows.length === 0) return [];
  const w = sql.join(windows.map((x, i) => sql`(${i}, ${dayOf(x.start)}, ${dayOf(x.end)})`), sql`, `);
  const scope = unitId === undefined ? sql`` : sql`and d.unit_id = ${unitId}`;
  const rows = await db.all<{ i: number; received: number; closed: number }>(sql`
    with w(i, s, e) as (values ${w})
    select w.i as i, coalesce(sum(d.received), 0) as received, coalesce(sum(d.closed), 0) as closed
    from w left join unit_day_stats d indexed by unit_day_stats_day_cover_idx on d.day >= w.s and d.day < w.e ${scope}
    group by w.i order by w.i`);
  return rows.map((r) => ({ received: n(r.received), closed: n(r.closed) }));
}

/**
 * Per-unit figures as they stood at instant `at` (单位排名 history): today's figures (case_totals) less what
 * unit_day_stats records after that day (cases received, closed, staged, closed on time), and the open cases due
 * before `at`. Read from today's case rows, as the aggregates are: a case cancelled since is left out, a case
 * closed late since is no longer overdue, and rebounds are today's count. Reads the units × days since `at`
 * and the open cases; never the whole case table, and less the more recent `at` is.
 */
export const statsByUnitAsOf = (db: Db, at: number, unitId?: number) => asOf(db, unitTotals(db, unitId), at, unitId);

async function asOf(db: Db, totals: Promise<UnitTotals[]>, at: number, unitId?: number, overdueAt?: Promise<OverdueGroup[]>): Promise<UnitStats[]> {
  const scope = unitId === undefined ? sql`` : sql`and unit_id = ${unitId}`;
  type Sums = { unitId: number; total: number; closed: number; staged: number; onTime: number };
  const [current, after, groups] = await Promise.all([
    totals,
    db.all<Sums>(sql`
      select unit_id as unitId, sum(received) as total, sum(closed) as closed, sum(staged) as staged, sum(closed_on_time) as onTime
      from unit_day_stats indexed by unit_day_stats_day_cover_idx where day > ${dayOf(at)} ${scope} group by unit_id`),
    overdueAt ?? overdueGroups(db, at, unitId, "unit"),
  ]);
  const later = new Map(after.map((r) => [n(r.unitId), r]));
  const overdue = sumBy(groups, (g) => n(g.u));
  return current
    .map((r) => {
      const l = later.get(n(r.unitId));
      const less = (k: keyof Sums) => n(r[k]) - n(l?.[k]);
      const [total, closed] = [less("total"), less("closed")];
      const raw = { total, closed, staged: less("staged"), open: total - closed, overdue: overdue.get(n(r.unitId)) ?? 0, onTime: less("onTime"), rebounds: n(r.rebounds) };
      return { unitId: unitIdOf(n(r.unitId)), ...figures(raw) };
    })
    .filter((r) => r.total > 0);
}

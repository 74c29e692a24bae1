/** Completion figures — one query module for chat (统计), the scheduled digest and reports, and the dashboard. */
import { sql, type SQL } from "drizzle-orm";
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
export const OVERDUE_STATES = sql`('pending_ack','in_progress','returned')`;

const figureColumns = (now: number) => sql`count(*) as total,
      sum(state = 'closed') as closed,
      sum(state = 'closed' and outcome = 'staged') as staged,
      sum(state in ('pending_ack','in_progress','pending_review','returned')) as open,
      sum(state in ${OVERDUE_STATES} and due_at < ${now}) as overdue,
      sum(state = 'closed' and (due_at is null or closed_at <= due_at)) as onTime,
      sum(rebound_count) as rebounds`;

type RawFigures = { total: number; closed: number; staged: number; open: number; overdue: number; onTime: number; rebounds: number };
const n = (x: unknown) => Number(x ?? 0);

function figures(r: RawFigures): Figures {
  const total = n(r.total);
  const closed = n(r.closed);
  return {
    total,
    closed,
    staged: n(r.staged),
    open: n(r.open),
    overdue: n(r.overdue),
    closedOnTime: n(r.onTime),
    rebounds: n(r.rebounds),
    completionRate: total ? closed / total : 0,
    onTimeRate: closed ? n(r.onTime) / closed : 0,
  };
}

const unitScope = (unitId?: number) => (unitId === undefined ? sql`` : sql`and lead_unit_id = ${unitId}`);

export async function statsByUnit(db: Db, now: number, unitId?: number): Promise<UnitStats[]> {
  const rows = await db.all<RawFigures & { unitId: number | null }>(sql`
    select lead_unit_id as unitId, ${figureColumns(now)}
    from cases where state != 'cancelled' ${unitScope(unitId)}
    group by lead_unit_id`);
  return rows.map((r) => ({ unitId: r.unitId, ...figures(r) }));
}

async function keyed(db: Db, now: number, key: SQL, unitId?: number): Promise<KeyedStats[]> {
  const rows = await db.all<RawFigures & { key: string | null }>(sql`
    select ${key} as key, ${figureColumns(now)}
    from cases where state != 'cancelled' ${unitScope(unitId)}
    group by 1 order by total desc, key`);
  return rows.map((r) => ({ key: r.key, ...figures(r) }));
}

/** Figures per source of the complaint (spec §1: 中央督察, 省督察, 12345 …). */
export const statsBySource = (db: Db, now: number, unitId?: number) => keyed(db, now, sql`source`, unitId);

/** Figures per received batch (by name); cases outside any batch have key null. */
export const statsByBatch = (db: Db, now: number, unitId?: number) =>
  keyed(db, now, sql`(select name from batches b where b.id = cases.batch_id)`, unitId);

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

/** Fair ranking: completion rate, then on-time rate, then fewer overdue, then fewer rebounds. */
export function rankUnits(rows: UnitStats[]): UnitStats[] {
  return [...rows].sort((a, b) => b.completionRate - a.completionRate || b.onTimeRate - a.onTimeRate || a.overdue - b.overdue || a.rebounds - b.rebounds);
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

/** The cases counted in `overdue` above, most overdue first (so a list and its count always agree). */
export async function overdueCases(db: Db, now: number, unitId?: number): Promise<OverdueCase[]> {
  const rows = await db.all<Omit<OverdueCase, "flagged"> & { flagged: number }>(sql`
    select id, title, lead_unit_id as leadUnitId, due_at as dueAt, flagged, state from cases
    where state != 'cancelled' and state in ${OVERDUE_STATES} and due_at < ${now} ${unitScope(unitId)}
    order by due_at, id`);
  return rows.map((r) => ({ ...r, flagged: Boolean(r.flagged) }));
}

/** Cases received (created) and closures approved in each window [start, end) — the 总览 trend line. */
export async function flowByWindow(db: Db, windows: { start: number; end: number }[], unitId?: number): Promise<{ received: number; closed: number }[]> {
  if (windows.length === 0) return [];
  const w = sql.join(windows.map((x, i) => sql`(${i}, ${x.start}, ${x.end})`), sql`, `);
  const scope = unitId === undefined ? sql`` : sql`and c.lead_unit_id = ${unitId}`;
  const rows = await db.all<{ i: number; received: number; closed: number }>(sql`
    with w(i, s, e) as (values ${w})
    select w.i as i,
      (select count(*) from cases c where c.created_at >= w.s and c.created_at < w.e and c.state != 'cancelled' ${scope}) as received,
      (select count(*) from case_events ev join cases c on c.id = ev.case_id
        where ev.kind = 'closure_approved' and ev.at >= w.s and ev.at < w.e and c.state != 'cancelled' ${scope}) as closed
    from w order by w.i`);
  return rows.map((r) => ({ received: n(r.received), closed: n(r.closed) }));
}

/** Timeline kinds that set a state, and those whose resulting state counts towards overdue (see OVERDUE_STATES). */
const STATE_KINDS = sql`('created','acknowledged','returned','reassigned','closure_submitted','closure_approved','closure_rejected','rebound','cancelled')`;
const OVERDUE_KINDS = sql`('created','acknowledged','returned','reassigned','closure_rejected','rebound')`;

/**
 * Per-unit figures as they stood at instant `at`, rebuilt from the append-only timeline (单位排名 history).
 * A case's state at `at` is the one set by its last state-changing event; lead unit, deadline and outcome
 * are today's values (an extension granted later is not undone).
 */
export async function statsByUnitAsOf(db: Db, at: number, unitId?: number): Promise<UnitStats[]> {
  const ev = (kinds: SQL) => sql`from case_events e where e.case_id = c.id and e.at <= ${at} and e.kind in ${kinds}`;
  const rows = await db.all<RawFigures & { unitId: number | null }>(sql`
    with s as (
      select c.lead_unit_id as unitId, c.due_at as dueAt, c.outcome as outcome,
        (select e.kind ${ev(STATE_KINDS)} order by e.at desc, e.id desc limit 1) as last,
        (select max(e.at) ${ev(sql`('closure_approved')`)}) as closedAt,
        (select count(*) ${ev(sql`('rebound')`)}) as rebounds
      from cases c where c.created_at <= ${at} ${unitId === undefined ? sql`` : sql`and c.lead_unit_id = ${unitId}`}
    )
    select unitId, count(*) as total,
      sum(last = 'closure_approved') as closed,
      sum(last = 'closure_approved' and outcome = 'staged') as staged,
      sum(coalesce(last, '') != 'closure_approved') as open,
      sum((last is null or last in ${OVERDUE_KINDS}) and dueAt < ${at}) as overdue,
      sum(last = 'closure_approved' and (dueAt is null or closedAt <= dueAt)) as onTime,
      sum(rebounds) as rebounds
    from s where coalesce(last, '') != 'cancelled'
    group by unitId`);
  return rows.map((r) => ({ unitId: r.unitId, ...figures(r) }));
}

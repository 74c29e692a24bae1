/** Completion figures per unit — one query module for chat (统计), the digest and the dashboard. */
import { sql } from "drizzle-orm";
import type { Db } from "./types.js";

export type UnitStats = {
  unitId: number | null;
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

export async function statsByUnit(db: Db, now: number, unitId?: number): Promise<UnitStats[]> {
  const scope = unitId === undefined ? sql`` : sql`and lead_unit_id = ${unitId}`;
  const rows = await db.all<{ unitId: number | null; total: number; closed: number; staged: number; open: number; overdue: number; onTime: number; rebounds: number }>(sql`
    select lead_unit_id as unitId, count(*) as total,
      sum(state = 'closed') as closed,
      sum(state = 'closed' and outcome = 'staged') as staged,
      sum(state in ('pending_ack','in_progress','pending_review','returned')) as open,
      sum(state in ('pending_ack','in_progress','returned') and due_at < ${now}) as overdue,
      sum(state = 'closed' and (due_at is null or closed_at <= due_at)) as onTime,
      sum(rebound_count) as rebounds
    from cases where state != 'cancelled' ${scope}
    group by lead_unit_id`);
  return rows.map((r) => {
    const n = (x: unknown) => Number(x ?? 0);
    const total = n(r.total);
    const closed = n(r.closed);
    return {
      unitId: r.unitId,
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
  });
}

export function totals(rows: UnitStats[]): Omit<UnitStats, "unitId"> {
  const sum = (k: keyof UnitStats) => rows.reduce((a, r) => a + Number(r[k] ?? 0), 0);
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

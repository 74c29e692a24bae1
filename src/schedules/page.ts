/**
 * Reading a reminder job's cases at city scale (issue 12): a backlog job (overdue, unsigned, 挂牌) reads only the
 * cases it will remind in this run — a LIMIT through the index of its condition, skipping cases already reminded
 * in this slot — and counts the rest in SQL, so the rows brought into memory stay within the run's budget
 * however many cases are open or closed.
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/types.js";
import type { CaseLite, Item, JobCtx, JobName } from "./items.js";
import { lineTarget, slotKey } from "./ledger.js";

/** What a job is asked for in one pass: urgent or other cases, at most `limit` items. */
export type Want = { urgent: boolean; limit: number; taken: Set<string> };
/** The items found, and how many more the job has (left for a later run). */
export type Found = { items: Item[]; more: number };

const COLS = sql.raw(`id, title, state, priority, flagged, lead_unit_id AS leadUnitId, officer_user_id AS officerUserId, leader_user_id AS leaderUserId,
  ack_by AS ackBy, due_at AS dueAt, closed_at AS closedAt, outcome, milestone_at AS milestoneAt`);

/** Cases by a condition through a named index (INDEXED BY: a wrong plan would fail loudly, not scan quietly). */
export async function casesVia(db: Db, index: string, where: SQL, order = sql`id`): Promise<CaseLite[]> {
  const rows = await db.all<CaseLite & { flagged: unknown }>(sql`SELECT ${COLS} FROM cases INDEXED BY ${sql.raw(index)} WHERE ${where} ORDER BY ${order}`);
  return rows.map((r) => ({ ...r, flagged: Boolean(r.flagged) }));
}

/** Keep the deliveries whose line was not sent in its slot yet; undefined when none is left. */
export function untaken(it: Item, taken: Set<string>): Item | undefined {
  const deliveries = it.deliveries.filter((d) => !taken.has(slotKey({ job: it.job, slot: it.slot, target: lineTarget(it.caseId, d.chatId) })));
  return deliveries.length ? { ...it, deliveries } : undefined;
}

/**
 * The cases of one backlog job in id order, `limit` at a time. `index` names the index that serves `where`
 * (INDEXED BY: the planner must not walk the whole table in id order looking for them). A case with any line
 * in this job's slot today was reminded by an earlier run and is skipped in SQL.
 */
export async function pagedItems(ctx: JobCtx, want: Want, job: JobName, index: string, where: SQL, toItem: (c: CaseLite) => Item): Promise<Found> {
  // IN lists rather than "!=": the reminder indexes lead with priority, so each pass is a few index ranges.
  const prio = want.urgent ? sql`priority = 'urgent'` : sql`priority IN ('normal','focus')`;
  const fresh = sql`NOT EXISTS (SELECT 1 FROM schedule_slots s WHERE s.job = ${job} AND s.slot = ${ctx.today}
    AND s.target >= ('#' || cases.id || '@') AND s.target < ('#' || cases.id || 'A'))`;
  const from = sql`FROM cases INDEXED BY ${sql.raw(index)} WHERE ${prio} AND ${where} AND ${fresh}`;
  const items: Item[] = [];
  let after = 0;
  // Ids first, from the index alone (no table row is read for a case that is not printed), then those rows.
  // Pages of the limit (at least a few rows): a case whose lines all went out is dropped and the next one read.
  const page = Math.max(16, want.limit);
  while (items.length < want.limit) {
    const rows = await ctx.db.all<CaseLite & { flagged: unknown }>(
      sql`SELECT ${COLS} FROM cases WHERE id IN (SELECT id ${from} AND id > ${after} ORDER BY id LIMIT ${page}) ORDER BY id`,
    );
    for (const r of rows) {
      after = r.id;
      const it = untaken(toItem({ ...r, flagged: Boolean(r.flagged) }), want.taken);
      if (it && items.length < want.limit) items.push(it);
      else if (it) break;
    }
    if (rows.length < page) break;
  }
  if (items.length) after = items.at(-1)!.caseId;
  const [rest] = await ctx.db.all<{ n: number }>(sql`SELECT count(*) AS n ${from} AND id > ${after}`);
  return { items, more: Number(rest?.n ?? 0) };
}

/** A window job's items (already bounded by dates), split into one pass's share and the rest. */
export function windowed(all: Item[], want: Want): Found {
  const mine = all.filter((i) => i.urgent === want.urgent).map((i) => untaken(i, want.taken)).filter((i): i is Item => i !== undefined);
  mine.sort((a, b) => a.caseId - b.caseId || (a.slot < b.slot ? -1 : a.slot > b.slot ? 1 : 0));
  return { items: mine.slice(0, want.limit), more: Math.max(0, mine.length - want.limit) };
}

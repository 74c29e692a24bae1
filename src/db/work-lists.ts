/**
 * The chat's 我的 lists (handlers/list-cases.ts): what waits for a unit, a leader or the dispatchers. Each reads
 * the ids it needs through an index, sorts only those, and loads the `limit` whole rows it shows (issue 12: a unit
 * with 10,000 open cases among a million).
 */
import { sql, type SQL } from "drizzle-orm";
import { cases } from "./schema.js";
import type { Db } from "./types.js";

export type CaseRow = typeof cases.$inferSelect;

// Written out (not bound) so that SQLite can match the partial index cases_open_co_idx.
const OPEN = sql.raw(`('pending_ack','in_progress','pending_review','returned')`);

/** The rows of `ids`, in that order; one bound parameter whatever the count (D1 allows 100 per statement). */
export async function casesInOrder(db: Db, ids: number[]): Promise<CaseRow[]> {
  return ids.length ? inOrder(ids, await db.select().from(cases).where(idIn(ids))) : [];
}

const idIn = (ids: number[]) => sql`${cases.id} in (select value from json_each(${JSON.stringify(ids)}))`;

/** `rows` in the order of `ids` (a missing id is skipped). */
function inOrder<T extends { id: number }>(ids: number[], rows: T[]): T[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => byId.get(id)).filter((r): r is T => r !== undefined);
}

/**
 * What a chat list shows of a case. Only these columns are read: a whole row is ~50 columns, and the client builds
 * every column of every row as a property (bench/callback.ts: a third of a 我的's database time went into that).
 */
export const LIST_COLUMNS = { id: cases.id, title: cases.title, state: cases.state, flagged: cases.flagged, dueAt: cases.dueAt, leadUnitId: cases.leadUnitId };
export type ListRow = Pick<CaseRow, keyof typeof LIST_COLUMNS>;

/** The first rows of a list and how many it holds in all (the reply says "另有 N 件" of the whole list). */
export type WorkList = { rows: ListRow[]; total: number };

/**
 * The first `limit` of `select id, flagged, due_at …` parts, most urgent first — 挂牌, then the earliest deadline
 * (overdue before due), no deadline last — with the count of the whole list (counted before the LIMIT, in the same
 * pass), and only then their list columns: one statement, so one round trip to the database thread.
 */
async function list(db: Db, parts: SQL[], limit: number): Promise<WorkList> {
  const order = sql.raw("flagged desc, due_at is null, due_at asc, id");
  const rows = await db.all<ListRow & { n: number }>(sql`with first as (
      select id, flagged, due_at, count(*) over () as n from (${sql.join(parts, sql` union `)}) order by ${order} limit ${limit}
    )
    select c.id as id, c.title as title, c.state as state, c.flagged as flagged, c.due_at as dueAt, c.lead_unit_id as leadUnitId, first.n as n
    from first join cases c on c.id = first.id order by first.flagged desc, first.due_at is null, first.due_at asc, first.id`);
  return {
    rows: rows.map((r) => ({ id: Number(r.id), title: r.title, state: r.state, flagged: Boolean(r.flagged), dueAt: r.dueAt === null ? null : Number(r.dueAt), leadUnitId: r.leadUnitId === null ? null : Number(r.leadUnitId) })),
    total: Number(rows[0]?.n ?? 0),
  };
}

/** Open cases the unit leads or co-handles, each part from its partial index of open cases (covering: no row reads). */
export async function unitOpenCases(db: Db, unitId: number, limit: number): Promise<WorkList> {
  return list(
    db,
    [
      sql`select id, flagged, due_at from cases indexed by cases_open_unit_idx where lead_unit_id = ${unitId} and state in ${OPEN}`,
      sql`select id, flagged, due_at from cases indexed by cases_open_co_idx
        where state in ${OPEN} and co_unit_ids != '[]' and exists (select 1 from json_each(co_unit_ids) where value = ${unitId})`,
    ],
    limit,
  );
}

/** For a leader: cases awaiting review, extension requests, and open cases they lead (包案). */
export async function leaderQueue(db: Db, userId: string, limit: number): Promise<WorkList> {
  return list(
    db,
    [
      sql`select id, flagged, due_at from cases where state = 'pending_review'`,
      sql`select id, flagged, due_at from cases where state = 'in_progress' and ext_requested_due is not null`,
      sql`select id, flagged, due_at from cases where state in ${OPEN} and leader_user_id = ${userId}`,
    ],
    limit,
  );
}

/** For the dispatchers: cases returned to them and cases not acknowledged in time. */
export async function dispatcherQueue(db: Db, now: number, limit: number): Promise<WorkList> {
  return list(
    db,
    [
      sql`select id, flagged, due_at from cases where state = 'returned'`,
      sql`select id, flagged, due_at from cases where state = 'pending_ack' and ack_by < ${now}`,
    ],
    limit,
  );
}

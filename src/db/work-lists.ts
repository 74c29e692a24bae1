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

/** The list rows of `ids`, in that order. */
async function listRowsInOrder(db: Db, ids: number[]): Promise<ListRow[]> {
  return ids.length ? inOrder(ids, await db.select(LIST_COLUMNS).from(cases).where(idIn(ids))) : [];
}

/** The first rows of a list and how many it holds in all (the reply says "另有 N 件" of the whole list). */
export type WorkList = { rows: ListRow[]; total: number };

/**
 * Ids of `select id, flagged, due_at …` parts, most urgent first — 挂牌, then the earliest deadline (overdue before
 * due), no deadline last — and the count of the whole list (counted before the LIMIT, in the same pass).
 */
async function firstIds(db: Db, parts: SQL[], limit: number): Promise<{ ids: number[]; total: number }> {
  const rows = await db.all<{ id: number; n: number }>(
    sql`select id, count(*) over () as n from (${sql.join(parts, sql` union `)}) order by flagged desc, due_at is null, due_at asc, id limit ${limit}`,
  );
  return { ids: rows.map((r) => Number(r.id)), total: Number(rows[0]?.n ?? 0) };
}

const list = async (db: Db, first: Promise<{ ids: number[]; total: number }>): Promise<WorkList> => {
  const { ids, total } = await first;
  return { rows: await listRowsInOrder(db, ids), total };
};

/** Open cases the unit leads or co-handles, each part from its partial index of open cases (covering: no row reads). */
export async function unitOpenCases(db: Db, unitId: number, limit: number): Promise<WorkList> {
  return list(db, firstIds(
    db,
    [
      sql`select id, flagged, due_at from cases indexed by cases_open_unit_idx where lead_unit_id = ${unitId} and state in ${OPEN}`,
      sql`select id, flagged, due_at from cases indexed by cases_open_co_idx
        where state in ${OPEN} and co_unit_ids != '[]' and exists (select 1 from json_each(co_unit_ids) where value = ${unitId})`,
    ],
    limit,
  ));
}

/** For a leader: cases awaiting review, extension requests, and open cases they lead (包案). */
export async function leaderQueue(db: Db, userId: string, limit: number): Promise<WorkList> {
  return list(db, firstIds(
    db,
    [
      sql`select id, flagged, due_at from cases where state = 'pending_review'`,
      sql`select id, flagged, due_at from cases where state = 'in_progress' and ext_requested_due is not null`,
      sql`select id, flagged, due_at from cases where state in ${OPEN} and leader_user_id = ${userId}`,
    ],
    limit,
  ));
}

/** For the dispatchers: cases returned to them and cases not acknowledged in time. */
export async function dispatcherQueue(db: Db, now: number, limit: number): Promise<WorkList> {
  return list(db, firstIds(
    db,
    [
      sql`select id, flagged, due_at from cases where state = 'returned'`,
      sql`select id, flagged, due_at from cases where state = 'pending_ack' and ack_by < ${now}`,
    ],
    limit,
  ));
}

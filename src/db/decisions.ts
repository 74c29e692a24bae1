/**
 * What the command group's digest leads with (issue 11): the decisions waiting on leaders — closures awaiting review
 * (待审核) and open 延期 requests, oldest first — and the 挂牌 cases that are neither overdue nor awaiting review.
 * Each list is read with a LIMIT through a partial index of just those rows (cases_review_idx, cases_ext_request_idx,
 * cases_flagged_idx) and counted the same way, so the work does not grow with the number of cases (issue 12).
 */
import { sql } from "drizzle-orm";
import type { Db } from "./types.js";

export type DecisionCase = {
  id: number;
  title: string;
  state: string;
  leadUnitId: number | null;
  leaderUserId: string | null;
  dueAt: number | null;
  flagged: boolean;
  priority: string;
  /** When the closure was submitted or the extension requested. */
  since: number | null;
  /** 延期 requests: the date asked for. */
  requestedDue: number | null;
};

export type Decisions = {
  closures: DecisionCase[];
  closureCount: number;
  /** Closures awaiting review whose deadline has passed (counted as overdue). */
  closuresOverdue: number;
  extensions: DecisionCase[];
  extensionCount: number;
  /** Cases with an open 延期 request that are already past due. */
  extensionsOverdue: number;
};

const COLS = sql.raw(`id, title, state, lead_unit_id AS leadUnitId, leader_user_id AS leaderUserId, due_at AS dueAt, flagged, priority`);
type Raw = Omit<DecisionCase, "flagged"> & { flagged: unknown };
const norm = (rows: Raw[]): DecisionCase[] => rows.map((r) => ({ ...r, flagged: Boolean(r.flagged) }));
const lim = (n: number) => Math.max(0, Math.floor(n));
const num = (x: unknown) => Number(x ?? 0);

export async function pendingDecisions(db: Db, now: number, limit: number): Promise<Decisions> {
  const [closures, extensions, [counts]] = await Promise.all([
    db.all<Raw>(sql`SELECT ${COLS}, submitted_at AS since, NULL AS requestedDue FROM cases INDEXED BY cases_review_idx
      WHERE state = 'pending_review' ORDER BY submitted_at, id LIMIT ${lim(limit)}`),
    // decide_extension is allowed in 办理中 only; a request left on a case submitted since waits with its closure.
    db.all<Raw>(sql`SELECT ${COLS}, ext_requested_at AS since, ext_requested_due AS requestedDue FROM cases INDEXED BY cases_ext_request_idx
      WHERE ext_requested_at IS NOT NULL AND state = 'in_progress' ORDER BY ext_requested_at, id LIMIT ${lim(limit)}`),
    db.all<{ closures: number; overdue: number; extensions: number; extOverdue: number }>(sql`SELECT
      (SELECT count(*) FROM cases INDEXED BY cases_review_idx WHERE state = 'pending_review') AS closures,
      (SELECT count(*) FROM cases INDEXED BY cases_review_idx WHERE state = 'pending_review' AND due_at < ${now}) AS overdue,
      (SELECT count(*) FROM cases INDEXED BY cases_ext_request_idx WHERE ext_requested_at IS NOT NULL AND state = 'in_progress') AS extensions,
      (SELECT count(*) FROM cases INDEXED BY cases_ext_request_idx WHERE ext_requested_at IS NOT NULL AND state = 'in_progress' AND due_at < ${now}) AS extOverdue`),
  ]);
  return {
    closures: norm(closures),
    closureCount: num(counts?.closures),
    closuresOverdue: num(counts?.overdue),
    extensions: norm(extensions),
    extensionCount: num(counts?.extensions),
    extensionsOverdue: num(counts?.extOverdue),
  };
}

/**
 * 挂牌 cases that are still being handled and not past due (the overdue ones are in the overdue list, the 待审核 ones
 * under 待领导决定): nearest deadline first, at most `limit`, and how many there are.
 */
export async function flaggedOnTrack(db: Db, now: number, limit: number): Promise<{ rows: DecisionCase[]; count: number }> {
  const where = sql`flagged = 1 AND state IN ('pending_ack','in_progress','returned') AND (due_at IS NULL OR due_at >= ${now})`;
  const [rows, [c]] = await Promise.all([
    db.all<Raw>(sql`SELECT ${COLS}, NULL AS since, NULL AS requestedDue FROM cases INDEXED BY cases_flagged_idx WHERE ${where}
      ORDER BY due_at IS NULL, due_at, id LIMIT ${lim(limit)}`),
    db.all<{ n: number }>(sql`SELECT count(*) AS n FROM cases INDEXED BY cases_flagged_idx WHERE ${where}`),
  ]);
  return { rows: norm(rows), count: num(c?.n) };
}

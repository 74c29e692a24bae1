/** Everything the case page and the dossier show about one case: the row, its timeline, attachments and rounds. */
import { and, asc, count, eq, inArray } from "drizzle-orm";
import { photoRoundFrom } from "../domain/rounds.js";
import { attachments, caseEvents, caseRounds, cases } from "./schema.js";
import type { Db } from "./types.js";

export type CaseEventRow = typeof caseEvents.$inferSelect;
export type AttachmentRow = typeof attachments.$inferSelect;
export type RoundRow = typeof caseRounds.$inferSelect;
/** `rounds`: the ended handling rounds, oldest first (the current one is on the case row). */
export type CaseDetail = { case: typeof cases.$inferSelect; events: CaseEventRow[]; attachments: AttachmentRow[]; rounds: RoundRow[] };

/** The case with its timeline (oldest first), attachments and ended rounds, or undefined when there is no such case. */
export async function loadCaseDetail(db: Db, id: number): Promise<CaseDetail | undefined> {
  const [c] = await db.select().from(cases).where(eq(cases.id, id)).limit(1);
  if (!c) return undefined;
  const [events, files, rounds] = await Promise.all([
    db.select().from(caseEvents).where(eq(caseEvents.caseId, id)).orderBy(asc(caseEvents.at), asc(caseEvents.id)),
    db.select().from(attachments).where(eq(attachments.caseId, id)).orderBy(asc(attachments.createdAt), asc(attachments.id)),
    db.select().from(caseRounds).where(eq(caseRounds.caseId, id)).orderBy(asc(caseRounds.round)),
  ]);
  return { case: c, events, attachments: files, rounds };
}

/** After-photos that count for the current round's gate (the same rule as 办结 and 通过, src/handlers/rounds.ts). */
export function currentAfterPhotoCount(d: CaseDetail): number {
  const from = photoRoundFrom(d.rounds, d.case.round);
  return d.attachments.filter((a) => a.kind === "image" && a.phase === "after" && a.round !== null && a.round >= from).length;
}

export type RoundSummary = RoundRow & { afterPhotos: number };

/**
 * Ended rounds of many cases with each round's after-photo count (export), in chunks of 90 ids: D1 binds at most
 * 100 parameters per statement.
 */
export async function roundsOfCases(db: Db, ids: number[]): Promise<Map<number, RoundSummary[]>> {
  const out = new Map<number, RoundSummary[]>();
  for (let i = 0; i < ids.length; i += 90) {
    const chunk = ids.slice(i, i + 90);
    const [rows, photos] = await Promise.all([
      db.select().from(caseRounds).where(inArray(caseRounds.caseId, chunk)).orderBy(asc(caseRounds.caseId), asc(caseRounds.round)),
      db
        .select({ caseId: attachments.caseId, round: attachments.round, n: count() })
        .from(attachments)
        .where(and(inArray(attachments.caseId, chunk), eq(attachments.kind, "image"), eq(attachments.phase, "after")))
        .groupBy(attachments.caseId, attachments.round),
    ]);
    const n = new Map(photos.map((p) => [`${p.caseId}:${p.round}`, p.n]));
    for (const r of rows) out.set(r.caseId, [...(out.get(r.caseId) ?? []), { ...r, afterPhotos: n.get(`${r.caseId}:${r.round}`) ?? 0 }]);
  }
  return out;
}

/** One attachment with the case it belongs to (for the permission check before serving the file). */
export async function loadAttachment(db: Db, id: number): Promise<{ file: AttachmentRow; case: typeof cases.$inferSelect } | undefined> {
  const [row] = await db.select({ file: attachments, case: cases }).from(attachments).innerJoin(cases, eq(cases.id, attachments.caseId)).where(eq(attachments.id, id)).limit(1);
  return row;
}

/** The events of one case (REST API), oldest first. */
export function caseEventsOf(db: Db, id: number): Promise<CaseEventRow[]> {
  return db.select().from(caseEvents).where(eq(caseEvents.caseId, id)).orderBy(asc(caseEvents.at), asc(caseEvents.id));
}

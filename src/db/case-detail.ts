/** Everything the case page and the dossier show about one case: the row, its timeline and its attachments. */
import { asc, eq } from "drizzle-orm";
import { attachments, caseEvents, cases } from "./schema.js";
import type { Db } from "./types.js";

export type CaseEventRow = typeof caseEvents.$inferSelect;
export type AttachmentRow = typeof attachments.$inferSelect;
export type CaseDetail = { case: typeof cases.$inferSelect; events: CaseEventRow[]; attachments: AttachmentRow[] };

/** The case with its timeline (oldest first) and attachments, or undefined when there is no such case. */
export async function loadCaseDetail(db: Db, id: number): Promise<CaseDetail | undefined> {
  const [c] = await db.select().from(cases).where(eq(cases.id, id)).limit(1);
  if (!c) return undefined;
  const [events, files] = await Promise.all([
    db.select().from(caseEvents).where(eq(caseEvents.caseId, id)).orderBy(asc(caseEvents.at), asc(caseEvents.id)),
    db.select().from(attachments).where(eq(attachments.caseId, id)).orderBy(asc(attachments.createdAt), asc(attachments.id)),
  ]);
  return { case: c, events, attachments: files };
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

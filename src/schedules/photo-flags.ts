/**
 * The daily digest's list of 办结 submissions whose photos were flagged (issue 10): read back from the
 * closure_submitted events, which keep the flag lines the leader was sent, so the digest says exactly the same.
 */
import { and, eq, gte, isNotNull, lt, sql } from "drizzle-orm";
import { caseEvents, cases } from "../db/schema.js";
import type { Db } from "../db/types.js";

export type FlaggedSubmission = { caseId: number; title: string; leadUnitId: number | null; flags: string[] };

export async function flaggedSubmissions(db: Db, since: number, at: number): Promise<FlaggedSubmission[]> {
  const flags = sql<string | null>`json_extract(${caseEvents.data}, '$.photoFlags')`;
  const rows = await db
    .select({ caseId: caseEvents.caseId, title: cases.title, leadUnitId: cases.leadUnitId, flags })
    .from(caseEvents)
    .innerJoin(cases, eq(cases.id, caseEvents.caseId))
    .where(and(eq(caseEvents.kind, "closure_submitted"), gte(caseEvents.at, since), lt(caseEvents.at, at), isNotNull(flags)))
    .orderBy(caseEvents.id);
  // A case submitted twice in the window is listed once, with its latest flags.
  const byCase = new Map<number, FlaggedSubmission>();
  for (const r of rows) byCase.set(r.caseId, { caseId: r.caseId, title: r.title, leadUnitId: r.leadUnitId, flags: JSON.parse(r.flags ?? "[]") as string[] });
  return [...byCase.values()];
}

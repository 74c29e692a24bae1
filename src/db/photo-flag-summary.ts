/**
 * 照片核查 as one text per case for the export and the dossier (issue 10): the flags the leader was sent with the
 * latest 办结 submission, and the leader's confirmation when 通过 was given over them. Read from the timeline,
 * so an export of thousands of cases costs one query over the (few) flagged submissions, not a re-check.
 */
import { and, asc, inArray, isNotNull, sql } from "drizzle-orm";
import { caseEvents } from "./schema.js";
import type { Db } from "./types.js";

export async function photoCheckTexts(db: Db, caseIds?: number[]): Promise<Map<number, string>> {
  const flags = sql<string | null>`json_extract(${caseEvents.data}, '$.photoFlags')`;
  const note = sql<string | null>`json_extract(${caseEvents.data}, '$.photoCheckNote')`;
  const rows = await db
    .select({ caseId: caseEvents.caseId, kind: caseEvents.kind, flags, note })
    .from(caseEvents)
    .where(and(inArray(caseEvents.kind, ["closure_submitted", "closure_approved"]), isNotNull(flags)))
    .orderBy(asc(caseEvents.id));
  const want = caseIds ? new Set(caseIds) : undefined;
  const out = new Map<number, string>();
  for (const r of rows) {
    if (want && !want.has(r.caseId)) continue;
    if (r.kind === "closure_submitted") out.set(r.caseId, (JSON.parse(r.flags ?? "[]") as string[]).join("\n"));
    else if (r.note) out.set(r.caseId, `${out.get(r.caseId) ?? ""}\n审核已核实：${r.note}`.trim());
  }
  return out;
}

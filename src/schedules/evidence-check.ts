/**
 * Nightly evidence check (R37): every stored file is read back and its SHA-256 compared with the one recorded
 * when it arrived. A bounded number of files per tick (R24) between 02:00 and 05:00 business time; the cursor
 * lives in `leases`, the finished pass in `schedule_slots`, so a pass runs once a night and resumes after a gap.
 */
import { and, asc, eq, gt } from "drizzle-orm";
import { attachments, leases, scheduleSlots } from "../db/schema.js";
import { commit, insertAudit, type BatchItem } from "../db/write.js";
import type { Deps } from "../deps.js";
import { localDate, localParts } from "../domain/calendar.js";
import { sha256Hex } from "../files/types.js";

const JOB = "evidence-check";
export const NIGHT = { fromHour: 2, toHour: 5 };
export const FILES_PER_RUN = 50;

export type EvidenceCheck = { checked: number; bad: number; finished: boolean };

export async function checkEvidence(deps: Deps, at: number, perRun = FILES_PER_RUN): Promise<EvidenceCheck> {
  const { db, config } = deps;
  const idle = { checked: 0, bad: 0, finished: false };
  const hour = localParts(at, config.timezone).hour;
  if (hour < NIGHT.fromHour || hour >= NIGHT.toHour) return idle;
  const night = localDate(at, config.timezone);
  const [done] = await db.select().from(scheduleSlots).where(and(eq(scheduleSlots.job, JOB), eq(scheduleSlots.slot, night)));
  if (done) return idle;
  const [cur] = await db.select().from(leases).where(eq(leases.name, JOB));
  const after = cur && cur.holder === night ? (cur.watermark ?? 0) : 0;
  const rows = await db
    .select({ id: attachments.id, key: attachments.storageKey, sha256: attachments.sha256, caseId: attachments.caseId })
    .from(attachments)
    .where(gt(attachments.id, after))
    .orderBy(asc(attachments.id))
    .limit(perRun);
  const writes: BatchItem[] = [];
  let bad = 0;
  for (const r of rows) {
    const got = await deps.files.get(r.key).catch(() => null);
    const actual = got ? await sha256Hex(got.bytes) : null;
    if (actual === r.sha256) continue;
    bad++;
    deps.log.error("evidence file does not match its recorded SHA-256", { attachmentId: r.id, caseId: r.caseId, missing: actual === null });
    writes.push(insertAudit(db, { at, actor: "system", action: "evidence.integrity", object: `attachment:${r.id}`, result: "failed", detail: { caseId: r.caseId, expected: r.sha256, actual: actual ?? "missing" } }));
  }
  const last = rows.at(-1)?.id ?? after;
  writes.push(db.insert(leases).values({ name: JOB, holder: night, expiresAt: at, watermark: last }).onConflictDoUpdate({ target: leases.name, set: { holder: night, expiresAt: at, watermark: last } }));
  const finished = rows.length < perRun;
  if (finished) {
    writes.push(db.insert(scheduleSlots).values({ job: JOB, slot: night, target: "pass", createdAt: at }).onConflictDoNothing());
    writes.push(insertAudit(db, { at, actor: "system", action: "evidence.verified", result: "ok", detail: { night, lastAttachmentId: last } }));
  }
  await commit(db, writes);
  return { checked: rows.length, bad, finished };
}

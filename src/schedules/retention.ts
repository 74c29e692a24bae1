/**
 * Complainant retention (R40(c), minimum retention): COMPLAINANT_RETENTION_DAYS after a case is closed
 * (办结, `closed_at`) or cancelled (撤销, the case's last write: a cancelled case admits no further action),
 * its complainant details are de-identified — `cases.complainant` set to NULL. The case itself, its timeline and
 * the audit trail stay: they are the office's record. Each de-identified case gets a neutral `note` on its
 * timeline and an audit row naming only `case:<id>`; the complainant text is never copied anywhere.
 *
 * Runs once a night between 02:00 and 05:00 business time, at most CASES_PER_RUN cases per tick (R24); the
 * finished pass is recorded in `schedule_slots`, so later ticks that night are one primary-key lookup.
 *
 * Set-based write rather than one updateCase() per case: 3 statements per tick instead of 4 per case, and no
 * read-modify-write to protect (nothing else is changed on the row). The house rule still holds per case, in one
 * `db.batch`: version + 1 and a fresh write_token (so a command prepared against the old version fails its guard
 * and is retried, as for any concurrent change), one timeline event and one audit row. Events and audit rows are
 * inserted first, selecting the very rows the final UPDATE changes (same predicate, inside the same transaction);
 * the predicate requires `complainant IS NOT NULL`, so a re-run finds nothing and writes nothing.
 */
import { and, asc, eq, inArray, isNotNull, lte, or, sql } from "drizzle-orm";
import { auditLog, caseEvents, cases, scheduleSlots } from "../db/schema.js";
import { commit, type BatchItem } from "../db/write.js";
import type { Deps } from "../deps.js";
import { localDate, localParts } from "../domain/calendar.js";

const JOB = "complainant-retention";
export const RETENTION_WINDOW = { fromHour: 2, toHour: 5 };
export const CASES_PER_RUN = 200;
const DAY = 86_400_000;
/** The PII columns cleared; the only complainant-identifying column of a case (schema.ts, R40). */
const FIELDS = ["complainant"] as const;

export type RetentionRun = { deidentified: number; finished: boolean };

/** Closed or cancelled at or before `cutoff`, complainant still present. */
const expired = (cutoff: number) =>
  and(
    isNotNull(cases.complainant),
    inArray(cases.state, ["closed", "cancelled"]),
    or(
      and(eq(cases.state, "closed"), lte(sql`coalesce(${cases.closedAt}, ${cases.updatedAt})`, cutoff)),
      and(eq(cases.state, "cancelled"), lte(cases.updatedAt, cutoff)),
    ),
  );

export async function deidentifyExpiredComplainants(deps: Deps, at: number, perRun = CASES_PER_RUN): Promise<RetentionRun> {
  const { db, config } = deps;
  const idle = { deidentified: 0, finished: false };
  const hour = localParts(at, config.timezone).hour;
  if (hour < RETENTION_WINDOW.fromHour || hour >= RETENTION_WINDOW.toHour) return idle;
  const night = localDate(at, config.timezone);
  const [done] = await db.select().from(scheduleSlots).where(and(eq(scheduleSlots.job, JOB), eq(scheduleSlots.slot, night)));
  if (done) return idle;

  const days = config.complainantRetentionDays;
  const cutoff = at - days * DAY;
  const due = await db.select({ id: cases.id }).from(cases).where(expired(cutoff)).orderBy(asc(cases.id)).limit(perRun);
  const finished = due.length < perRun;
  const writes: BatchItem[] = [];
  if (due.length) {
    // Every expired case up to the last one selected: the set can only shrink before the batch runs (a rebound
    // reopens a case; nothing writes a complainant), so these are the selected cases still due, no more.
    const these = and(expired(cutoff), lte(cases.id, due[due.length - 1].id));
    const data = JSON.stringify({ deidentified: FIELDS, retentionDays: days });
    const text = `举报人信息保存期满（办结或撤销后 ${days} 天），已脱敏`;
    writes.push(
      db.insert(caseEvents).select(sql`select null, ${cases.id}, ${at}, 'system', 'note', ${text}, ${data} from ${cases} where ${these}`),
      db.insert(auditLog).select(sql`select null, ${at}, 'system', 'case.pii.deidentify', 'case:' || ${cases.id}, 'ok', 'schedule', ${data} from ${cases} where ${these}`),
      db
        .update(cases)
        .set({ complainant: null, version: sql`${cases.version} + 1`, writeToken: sql`lower(hex(randomblob(16)))`, updatedAt: at })
        .where(these),
    );
  }
  if (finished) writes.push(db.insert(scheduleSlots).values({ job: JOB, slot: night, target: "pass", createdAt: at }).onConflictDoNothing());
  await commit(db, writes);
  if (due.length) deps.log.info("complainant details de-identified after the retention period", { cases: due.length, retentionDays: days });
  return { deidentified: due.length, finished };
}

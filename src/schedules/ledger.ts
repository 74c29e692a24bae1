/**
 * What the schedules have done, durably: schedule_slots rows — (job, slot, target) for every reminder line,
 * digest and report, ("mention", day, "userid#n") for every @, ("morning", day, done|skipped) for the
 * morning pass — and a "reminder" event on each reminded case's timeline. They are written in the same
 * batch as the outbox rows, so a message exists exactly when its slot rows do.
 */
import { and, eq, gt, inArray, or, sql } from "drizzle-orm";
import { caseEvents, scheduleSlots } from "../db/schema.js";
import type { Db } from "../db/types.js";
import type { BatchItem } from "../db/write.js";
import { reminderText } from "../domain/reminders.js";
import { REMINDER_JOBS, type Item } from "./items.js";

export type SlotRow = { job: string; slot: string; target: string };
export const slotKey = (r: SlotRow) => `${r.job}|${r.slot}|${r.target}`;
export const lineTarget = (caseId: number, chatId: string) => `#${caseId}@${chatId}`;

// D1 binds at most 100 parameters per statement.
const chunks = <T>(xs: T[], n: number) => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));

/** Plain inserts: a row that already exists fails the whole batch, which is what makes a slot exactly-once. */
export function insertSlots(db: Db, rows: SlotRow[], at: number): BatchItem[] {
  return chunks(rows, 25).map((c) => db.insert(scheduleSlots).values(c.map((r) => ({ ...r, createdAt: at }))));
}

/**
 * One "reminder" event per reminded case per business day, in Chinese (issue 10 item 6): the cases of this run are
 * grouped, and a case that already has a reminder event since `dayStart` (an earlier 紧急 run today) gets none.
 * The slot rows and the outbox keep the full record of what was sent.
 */
export function insertReminderEvents(db: Db, items: Item[], at: number, dayStart: number): BatchItem[] {
  const byCase = new Map<number, Item[]>();
  for (const i of items) byCase.set(i.caseId, [...(byCase.get(i.caseId) ?? []), i]);
  return chunks([...byCase], 12).map((c) => {
    const rows = sql.join(
      c.map(([caseId, its]) => {
        const jobs = [...new Set(its.map((i) => i.job))];
        const data = { jobs, slots: [...new Set(its.map((i) => i.slot))], chats: [...new Set(its.flatMap((i) => i.deliveries.map((d) => d.chatId)))] };
        return sql`(${caseId}, ${reminderText(jobs)}, ${JSON.stringify(data)})`;
      }),
      sql`, `,
    );
    // An insert builder rather than db.run(): drizzle's D1 batch cannot bind parameters of raw statements.
    return db.insert(caseEvents).select(
      sql`select null, v.column1, ${at}, 'system', 'reminder', v.column2, v.column3 from (values ${rows}) as v
          where not exists (select 1 from ${caseEvents} e where e.case_id = v.column1 and e.kind = 'reminder' and e.at >= ${dayStart})`,
    );
  });
}

/** Reminder, digest and report slots already taken today, and date-based (patrol) slots after `since`. */
export async function takenSlots(db: Db, today: string, since: string, reportSlots: string[]): Promise<Set<string>> {
  const rows = await db
    .select({ job: scheduleSlots.job, slot: scheduleSlots.slot, target: scheduleSlots.target })
    .from(scheduleSlots)
    .where(
      or(
        and(eq(scheduleSlots.slot, today), inArray(scheduleSlots.job, [...REMINDER_JOBS, "digest"])),
        and(inArray(scheduleSlots.job, ["patrol", "milestone"]), gt(scheduleSlots.slot, since)),
        and(inArray(scheduleSlots.job, ["weekly", "monthly"]), inArray(scheduleSlots.slot, reportSlots)),
      ),
    );
  return new Set(rows.map(slotKey));
}

/** How many times each person has been @-mentioned on this business day. */
export async function mentionCounts(db: Db, today: string): Promise<Map<string, number>> {
  const rows = await db.select({ target: scheduleSlots.target }).from(scheduleSlots).where(and(eq(scheduleSlots.job, "mention"), eq(scheduleSlots.slot, today)));
  const counts = new Map<string, number>();
  for (const r of rows) {
    const user = r.target.slice(0, r.target.lastIndexOf("#"));
    counts.set(user, (counts.get(user) ?? 0) + 1);
  }
  return counts;
}

/** Morning passes recorded as done or skipped, for the dates in [from, to]. */
export async function morningMarks(db: Db, from: string, to: string): Promise<Map<string, string>> {
  const rows = await db
    .select({ slot: scheduleSlots.slot, target: scheduleSlots.target })
    .from(scheduleSlots)
    .where(and(eq(scheduleSlots.job, "morning"), sql`${scheduleSlots.slot} between ${from} and ${to}`));
  return new Map(rows.map((r) => [r.slot, r.target]));
}

/** The last business date whose morning pass completed: date-based jobs cover the days after it. */
export async function lastMorningDone(db: Db, before: string): Promise<string | undefined> {
  const [r] = await db
    .select({ slot: sql<string>`max(${scheduleSlots.slot})` })
    .from(scheduleSlots)
    .where(and(eq(scheduleSlots.job, "morning"), eq(scheduleSlots.target, "done"), sql`${scheduleSlots.slot} < ${before}`));
  return r?.slot ?? undefined;
}

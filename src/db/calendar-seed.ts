/** The holiday / 调休 calendar in the database: seeded from the chinese-days package, edited by admins. */
import data from "chinese-days/dist/chinese-days.json" with { type: "json" };
import { calendarFromPackage, makeCalendar, type Calendar, type CalendarRow, type ChineseDaysData } from "../domain/calendar.js";
import { calendarDays } from "./schema.js";
import type { Db } from "./types.js";

/** D1 binds at most 100 parameters per statement: 25 rows × 4 columns. */
const ROWS_PER_INSERT = 25;

/** Every holiday and make-up workday the installed chinese-days package knows (2004 … its last year). */
export function loadPackageCalendar(): CalendarRow[] {
  return calendarFromPackage(data as ChineseDaysData);
}

/**
 * Insert the package's days that are not in the table yet, as source 'package'. Rows already there,
 * admin edits in particular, are never overwritten. Idempotent; when nothing is missing it writes nothing.
 * Returns how many rows were offered for insertion.
 */
export async function seedCalendar(db: Db, rows: readonly CalendarRow[] = loadPackageCalendar()): Promise<number> {
  if (rows.length === 0) return 0;
  // The table holds only exceptional days (a few hundred rows), so one unparameterised read is cheapest.
  const have = new Set((await db.select({ date: calendarDays.date }).from(calendarDays)).map((r) => r.date));
  const missing = rows.filter((r) => !have.has(r.date));
  if (missing.length === 0) return 0;
  const inserts = [];
  for (let i = 0; i < missing.length; i += ROWS_PER_INSERT) {
    const chunk = missing.slice(i, i + ROWS_PER_INSERT).map((r) => ({ date: r.date, kind: r.kind, name: r.name, source: "package" as const }));
    inserts.push(db.insert(calendarDays).values(chunk).onConflictDoNothing({ target: calendarDays.date }));
  }
  // One round trip, all or nothing; a concurrent seeder's rows are skipped by ON CONFLICT DO NOTHING.
  const [first, ...rest] = inserts;
  await db.batch([first, ...rest]);
  return missing.length;
}

/** The working-day calendar as stored (package rows plus admin edits), for the business time zone. */
export async function loadCalendar(db: Db, timeZone: string): Promise<Calendar> {
  const rows = await db.select({ date: calendarDays.date, kind: calendarDays.kind }).from(calendarDays).orderBy(calendarDays.date);
  return makeCalendar(timeZone, rows);
}

/** Calendar rows for the admin page: a year's exceptional days; admins add or override days and remove their own. */
import { and, asc, eq, like } from "drizzle-orm";
import { calendarDays } from "../schema.js";
import type { Db } from "../types.js";
import type { BatchItem } from "../write.js";

export type CalendarDay = typeof calendarDays.$inferSelect;

export const listCalendarYear = (db: Db, year: number): Promise<CalendarDay[]> =>
  db.select().from(calendarDays).where(like(calendarDays.date, `${year}-%`)).orderBy(asc(calendarDays.date));

export async function getCalendarDay(db: Db, date: string): Promise<CalendarDay | undefined> {
  const [d] = await db.select().from(calendarDays).where(eq(calendarDays.date, date));
  return d;
}

/** An admin row replaces whatever the package said for that date (the seeder never overwrites it). */
export const upsertAdminDay = (db: Db, d: { date: string; kind: CalendarDay["kind"]; name: string | null }): BatchItem =>
  db.insert(calendarDays).values({ ...d, source: "admin" }).onConflictDoUpdate({ target: calendarDays.date, set: { kind: d.kind, name: d.name, source: "admin" } });

/** Only admin rows can be removed; the package's row for that date (if any) comes back at the next seeding. */
export const deleteAdminDay = (db: Db, date: string): BatchItem => db.delete(calendarDays).where(and(eq(calendarDays.date, date), eq(calendarDays.source, "admin")));

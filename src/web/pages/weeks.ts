/** Calendar weeks (Monday to Sunday) in the business time zone, for the trend chart and ranking history. */
import { addCalendarDays, endOfDate, localDate, weekdayOf, zonedTimeToUtc } from "../../domain/calendar.js";

export type Week = { start: number; end: number; monday: string; sunday: string; label: string };

/** The last `n` weeks up to and including the current one, oldest first; `end` is exclusive. */
export function lastWeeks(now: number, tz: string, n: number): Week[] {
  const today = localDate(now, tz);
  const thisMonday = addCalendarDays(today, 1 - weekdayOf(today));
  const weeks: Week[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const monday = addCalendarDays(thisMonday, -7 * i);
    const next = addCalendarDays(monday, 7);
    weeks.push({
      start: zonedTimeToUtc(monday, 0, 0, 0, 0, tz),
      end: zonedTimeToUtc(next, 0, 0, 0, 0, tz),
      monday,
      sunday: addCalendarDays(monday, 6),
      label: `${monday.slice(5, 7)}/${monday.slice(8)}`,
    });
  }
  return weeks;
}

/** Past week-ends (Sunday 23:59:59.999 local), most recent first: the ranking's history snapshots. */
export function pastWeekEnds(now: number, tz: string, n: number): { at: number; date: string }[] {
  return lastWeeks(now, tz, n + 1)
    .slice(0, n)
    .reverse()
    .map((w) => ({ at: endOfDate(w.sunday, tz), date: w.sunday }));
}

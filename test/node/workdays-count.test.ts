/**
 * workingDaysBetween answers from a running count per calendar (issue 12): checked against a day-by-day walk over
 * random instants, with holidays and 调休 days, a calendar built after the first (its own count), and spans past
 * the count's limit (walked).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addCalendarDays, isWorkingDay, localDate, makeCalendar, workingDaysBetween, type Calendar } from "../../src/domain/calendar.js";

const TZ = "Asia/Shanghai";
const DAY = 86_400_000;

function walk(cal: Calendar, from: number, to: number): number {
  const [a, b] = [localDate(from, TZ), localDate(to, TZ)];
  const [lo, hi, sign] = a < b ? [a, b, 1] : [b, a, -1];
  let n = 0;
  for (let d = addCalendarDays(lo, 1); d <= hi; d = addCalendarDays(d, 1)) n += isWorkingDay(cal, d) ? 1 : 0;
  return n === 0 ? 0 : sign * n;
}

const cal1 = makeCalendar(TZ, [
  { date: "2026-10-01", kind: "holiday" }, { date: "2026-10-02", kind: "holiday" }, { date: "2026-10-05", kind: "holiday" },
  { date: "2026-09-27", kind: "workday" }, { date: "2025-01-01", kind: "holiday" }, { date: "2024-02-18", kind: "workday" },
]);
const cal2 = makeCalendar(TZ, [{ date: "2026-12-02", kind: "holiday" }]);
const t0 = Date.parse("2026-12-02T00:30:00Z");

describe("workingDaysBetween", () => {
  it("equals a day-by-day walk, per calendar, both ways", () => {
    fc.assert(
      fc.property(fc.integer({ min: -1200, max: 400 }), fc.integer({ min: -1200, max: 400 }), fc.integer({ min: 0, max: DAY - 1 }), fc.boolean(), (x, y, ms, second) => {
        const cal = second ? cal2 : cal1;
        const [a, b] = [t0 + x * DAY + ms, t0 + y * DAY];
        expect(workingDaysBetween(cal, a, b)).toBe(walk(cal, a, b));
      }),
      { numRuns: 400, seed: 12 },
    );
    expect(workingDaysBetween(cal1, Date.parse("2026-09-30T02:00:00Z"), Date.parse("2026-10-06T02:00:00Z"))).toBe(1); // 10-06 only
    expect(workingDaysBetween(cal2, t0 - DAY, t0)).toBe(0); // 12-02 is a holiday there
  });

  it("walks a span longer than the running count keeps", () => {
    const far = Date.parse("1960-01-01T00:00:00Z");
    expect(workingDaysBetween(cal1, far, t0)).toBe(walk(cal1, far, t0));
  });
});

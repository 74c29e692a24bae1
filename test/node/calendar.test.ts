/** Working-day calendar: zone arithmetic, the 2026 holiday/调休 data, deadlines, and the seeded table. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { eq } from "drizzle-orm";
import { isWorkday as packageIsWorkday } from "chinese-days";
import data from "chinese-days/dist/chinese-days.json" with { type: "json" };
import {
  addCalendarDays,
  addWorkingDays,
  addWorkingHours,
  calendarFromPackage,
  endOfDate,
  endOfLocalDay,
  isWorkingDay,
  localDate,
  localParts,
  makeCalendar,
  nextWorkingDay,
  resolveDeadline,
  startOfLocalDay,
  weekdayOf,
  workingDaysBetween,
  zonedTimeToUtc,
  type Calendar,
  type ChineseDaysData,
} from "../../src/domain/calendar.js";
import { loadCalendar, loadPackageCalendar, seedCalendar } from "../../src/db/calendar-seed.js";
import { calendarDays } from "../../src/db/schema.js";
import type { Db } from "../../src/db/types.js";
import { tempDb } from "../helpers/db.js";

const TZ = "Asia/Shanghai";
const cal: Calendar = makeCalendar(TZ, loadPackageCalendar());
/** An instant given as Shanghai wall time, e.g. sh("2026-10-01 09:30"). */
const sh = (s: string) => Date.parse(`${s.replace(" ", "T")}+08:00`);
const iso = (ms: number) => new Date(ms).toISOString();
/** The instant at the end of a Shanghai date: 23:59:59.999 local = 15:59:59.999Z the same date. */
const eod = (ymd: string) => Date.parse(`${ymd}T15:59:59.999Z`);

describe("the chinese-days data as installed (checked before writing expectations)", () => {
  it("lists the 2026 Spring Festival and National Day as the State Council published them", () => {
    const d = data as ChineseDaysData;
    const in2026 = (o: Record<string, string>) => Object.keys(o).filter((k) => k.startsWith("2026-")).sort();
    expect(in2026(d.workdays)).toEqual(["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]);
    const holidays = in2026(d.holidays);
    for (const day of ["15", "16", "17", "18", "19", "20", "21", "22", "23"]) expect(holidays).toContain(`2026-02-${day}`);
    for (const day of ["01", "02", "03", "04", "05", "06", "07"]) expect(holidays).toContain(`2026-10-${day}`);
    expect(holidays).not.toContain("2026-02-24");
    expect(holidays).not.toContain("2026-10-08");
    expect(d.holidays["2026-02-17"]).toBe("Spring Festival,春节,4");
    // inLieuDays are a subset of holidays, so ignoring them loses nothing
    for (const k of Object.keys(d.inLieuDays ?? {})) expect(d.holidays).toHaveProperty(k);
  });

  it("converts to rows with the Chinese name and the right kind", () => {
    const rows = calendarFromPackage(data as ChineseDaysData);
    expect(rows.find((r) => r.date === "2026-10-01")).toEqual({ date: "2026-10-01", kind: "holiday", name: "国庆节" });
    expect(rows.find((r) => r.date === "2026-02-14")).toEqual({ date: "2026-02-14", kind: "workday", name: "春节" });
    expect(rows.find((r) => r.date === "2026-01-01")?.name).toBe("元旦");
    expect(rows).toHaveLength(Object.keys(data.holidays).length + Object.keys(data.workdays).length);
    expect(rows.map((r) => r.date)).toEqual([...rows.map((r) => r.date)].sort());
    expect(new Set(rows.map((r) => r.date)).size).toBe(rows.length);
    expect(rows.filter((r) => r.date.startsWith("2027-"))).toEqual([]); // no 2027 data in 1.5.7
  });

  it("refuses data of another shape instead of silently seeding nothing", () => {
    expect(() => calendarFromPackage({} as ChineseDaysData)).toThrow(TypeError);
    expect(() => calendarFromPackage({ holidays: { "2026-13-01": "x,y,1" }, workdays: {} })).toThrow(/bad date key/);
    expect(calendarFromPackage({ holidays: { "2030-01-01": "odd" }, workdays: { "2030-01-01": "a,补班,1" } })).toEqual([
      { date: "2030-01-01", kind: "workday", name: "补班" },
    ]);
  });

  it("agrees with the package's own isWorkday on every day it covers (2004–2026)", () => {
    const wrong: string[] = [];
    for (let d = "2004-01-01"; d <= "2026-12-31"; d = addCalendarDays(d, 1)) {
      if (isWorkingDay(cal, d) !== packageIsWorkday(d)) wrong.push(d);
    }
    expect(wrong).toEqual([]);
  });
});

describe("dates and zones", () => {
  it("adds calendar days across month, leap-day and year ends", () => {
    expect(addCalendarDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addCalendarDays("2027-01-01", -1)).toBe("2026-12-31");
    expect(addCalendarDays("2026-02-28", 1)).toBe("2026-03-01");
    expect(addCalendarDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addCalendarDays("2026-01-31", 30)).toBe("2026-03-02");
    expect(addCalendarDays("2026-10-01", 365)).toBe("2027-10-01");
    expect(weekdayOf("2026-10-01")).toBe(4);
    expect(weekdayOf("2026-02-14")).toBe(6);
    expect(weekdayOf("2026-09-20")).toBe(7);
    expect(weekdayOf("2027-01-01")).toBe(5);
  });

  it("puts Shanghai midnight at 16:00 UTC the previous day, to the millisecond", () => {
    expect(localDate(Date.parse("2026-09-30T15:59:59.999Z"), TZ)).toBe("2026-09-30");
    expect(localDate(Date.parse("2026-09-30T16:00:00.000Z"), TZ)).toBe("2026-10-01");
    expect(localParts(Date.parse("2026-09-30T16:00:00.000Z"), TZ)).toEqual({ year: 2026, month: 10, day: 1, hour: 0, minute: 0, second: 0, weekday: 4 });
    expect(localParts(Date.parse("2026-12-31T15:59:59.999Z"), TZ)).toMatchObject({ year: 2026, month: 12, day: 31, hour: 23, minute: 59, weekday: 4 });
    expect(localDate(Date.parse("2026-12-31T16:00:00.000Z"), TZ)).toBe("2027-01-01");
    expect(zonedTimeToUtc("2026-10-01", 0, 0, 0, 0, TZ)).toBe(Date.parse("2026-09-30T16:00:00.000Z"));
    expect(zonedTimeToUtc("2027-01-01", 9, 30, 15, 250, TZ)).toBe(Date.parse("2027-01-01T01:30:15.250Z"));
    expect(iso(startOfLocalDay(Date.parse("2026-10-01T15:59:59.999Z"), TZ))).toBe("2026-09-30T16:00:00.000Z");
    expect(iso(endOfLocalDay(Date.parse("2026-09-30T16:00:00.000Z"), TZ))).toBe("2026-10-01T15:59:59.999Z");
    expect(iso(endOfLocalDay(Date.parse("2026-09-30T15:59:59.999Z"), TZ))).toBe("2026-09-30T15:59:59.999Z");
    expect(iso(endOfDate("2026-12-31", TZ))).toBe("2026-12-31T15:59:59.999Z");
  });

  it("handles zones with DST: short and long days, gaps and overlaps (America/New_York 2026)", () => {
    const NY = "America/New_York";
    expect(iso(zonedTimeToUtc("2026-03-08", 0, 0, 0, 0, NY))).toBe("2026-03-08T05:00:00.000Z");
    expect(iso(endOfDate("2026-03-08", NY))).toBe("2026-03-09T03:59:59.999Z"); // a 23-hour day
    expect(iso(zonedTimeToUtc("2026-03-08", 2, 30, 0, 0, NY))).toBe("2026-03-08T07:30:00.000Z"); // gap → 03:30 EDT
    expect(iso(zonedTimeToUtc("2026-07-01", 12, 0, 0, 0, NY))).toBe("2026-07-01T16:00:00.000Z");
    expect(iso(zonedTimeToUtc("2026-11-01", 1, 30, 0, 0, NY))).toBe("2026-11-01T05:30:00.000Z"); // overlap → earlier
    expect(iso(endOfDate("2026-11-01", NY))).toBe("2026-11-02T04:59:59.999Z"); // a 25-hour day
    expect(iso(zonedTimeToUtc("2026-06-01", 0, 0, 0, 0, "Asia/Kolkata"))).toBe("2026-05-31T18:30:00.000Z");
    expect(iso(zonedTimeToUtc("2026-06-01", 0, 0, 0, 0, "UTC"))).toBe("2026-06-01T00:00:00.000Z");
  });

  it("round-trips every instant through its local wall time (property)", () => {
    const zones = [TZ, "America/New_York", "Europe/London", "Australia/Lord_Howe", "UTC"];
    fc.assert(
      fc.property(fc.integer({ min: Date.parse("2000-01-01"), max: Date.parse("2040-01-01") }), fc.constantFrom(...zones), (t, tz) => {
        const p = localParts(t, tz);
        const back = zonedTimeToUtc(localDate(t, tz), p.hour, p.minute, p.second, ((t % 1000) + 1000) % 1000, tz);
        // identical, except in a DST overlap where the earlier of two equal wall times is chosen
        if (back !== t) {
          expect(back).toBeLessThan(t);
          expect(localParts(back, tz)).toEqual(p);
        }
        const start = startOfLocalDay(t, tz);
        const end = endOfLocalDay(t, tz);
        expect(start).toBeLessThanOrEqual(t);
        expect(end).toBeGreaterThanOrEqual(t);
        expect(localDate(start, tz)).toBe(localDate(t, tz));
        expect(localDate(end, tz)).toBe(localDate(t, tz));
        expect(localDate(start - 1, tz)).toBe(addCalendarDays(localDate(t, tz), -1));
        expect(localDate(end + 1, tz)).toBe(addCalendarDays(localDate(t, tz), 1));
      }),
      { numRuns: 500 },
    );
  });
});

describe("working days with the 2026 calendar", () => {
  it("knows weekends, holidays and 调休 make-up days", () => {
    expect(isWorkingDay(cal, "2026-02-13")).toBe(true); // Friday
    expect(isWorkingDay(cal, "2026-02-14")).toBe(true); // make-up Saturday
    expect(isWorkingDay(cal, "2026-02-16")).toBe(false); // Monday in the Spring Festival
    expect(isWorkingDay(cal, "2026-02-23")).toBe(false); // Monday, last holiday
    expect(isWorkingDay(cal, "2026-02-24")).toBe(true);
    expect(isWorkingDay(cal, "2026-02-28")).toBe(true); // make-up Saturday
    expect(isWorkingDay(cal, "2026-03-01")).toBe(false); // ordinary Sunday
    expect(isWorkingDay(cal, "2026-09-20")).toBe(true); // make-up Sunday
    expect(isWorkingDay(cal, "2026-10-01")).toBe(false);
    expect(isWorkingDay(cal, "2026-10-07")).toBe(false); // Wednesday, in lieu
    expect(isWorkingDay(cal, "2026-10-10")).toBe(true); // make-up Saturday
    expect(isWorkingDay(cal, "2026-10-11")).toBe(false);
    expect(isWorkingDay(cal, "2027-01-01")).toBe(true); // no 2027 data: a plain Friday
    expect(nextWorkingDay(cal, "2026-02-14")).toBe("2026-02-24");
    expect(nextWorkingDay(cal, "2026-09-30")).toBe("2026-10-08");
    expect(nextWorkingDay(cal, "2026-12-31")).toBe("2027-01-01");
  });

  it("adds working days across the Spring Festival 2026", () => {
    const fri = sh("2026-02-13 10:00");
    expect(iso(addWorkingDays(cal, fri, 0))).toBe(iso(eod("2026-02-13")));
    expect(iso(addWorkingDays(cal, fri, 1))).toBe(iso(eod("2026-02-14"))); // the make-up Saturday
    expect(iso(addWorkingDays(cal, fri, 2))).toBe(iso(eod("2026-02-24")));
    expect(iso(addWorkingDays(cal, fri, 6))).toBe(iso(eod("2026-02-28"))); // the second make-up Saturday
    expect(iso(addWorkingDays(cal, fri, 7))).toBe(iso(eod("2026-03-02")));
    const inHoliday = sh("2026-02-18 09:00");
    expect(iso(addWorkingDays(cal, inHoliday, 0))).toBe(iso(eod("2026-02-24")));
    expect(iso(addWorkingDays(cal, inHoliday, 1))).toBe(iso(eod("2026-02-24")));
    expect(iso(addWorkingDays(cal, inHoliday, 2))).toBe(iso(eod("2026-02-25")));
  });

  it("adds working days across Mid-autumn and National Day 2026", () => {
    const fri = sh("2026-09-18 15:00");
    expect(iso(addWorkingDays(cal, fri, 1))).toBe(iso(eod("2026-09-20"))); // make-up Sunday
    expect(iso(addWorkingDays(cal, fri, 2))).toBe(iso(eod("2026-09-21")));
    expect(iso(addWorkingDays(cal, sh("2026-09-24 12:00"), 1))).toBe(iso(eod("2026-09-28"))); // 25–27 Mid-autumn
    const wed = sh("2026-09-30 12:00");
    expect(iso(addWorkingDays(cal, wed, 1))).toBe(iso(eod("2026-10-08")));
    expect(iso(addWorkingDays(cal, wed, 3))).toBe(iso(eod("2026-10-10"))); // make-up Saturday
    expect(iso(addWorkingDays(cal, wed, 4))).toBe(iso(eod("2026-10-12")));
  });

  it("decides the starting day by the Shanghai date, to the millisecond", () => {
    const lastMs = Date.parse("2026-09-30T15:59:59.999Z"); // 09-30 23:59:59.999, a working Wednesday
    const firstMs = Date.parse("2026-09-30T16:00:00.000Z"); // 10-01 00:00, National Day
    expect(iso(addWorkingDays(cal, lastMs, 0))).toBe("2026-09-30T15:59:59.999Z");
    expect(iso(addWorkingDays(cal, firstMs, 0))).toBe(iso(eod("2026-10-08")));
    expect(iso(addWorkingDays(cal, lastMs, 1))).toBe(iso(eod("2026-10-08")));
    expect(iso(addWorkingDays(cal, firstMs, 1))).toBe(iso(eod("2026-10-08")));
    expect(iso(addWorkingDays(cal, firstMs, 2))).toBe(iso(eod("2026-10-09")));
  });

  it("rolls over month and year ends", () => {
    const apr30 = sh("2026-04-30 18:00"); // Thursday before Labour Day (05-01..05), 05-09 make-up Saturday
    expect(iso(addWorkingDays(cal, apr30, 1))).toBe(iso(eod("2026-05-06")));
    expect(iso(addWorkingDays(cal, apr30, 4))).toBe(iso(eod("2026-05-09")));
    expect(iso(addWorkingDays(cal, apr30, 5))).toBe(iso(eod("2026-05-11")));
    const dec31 = sh("2026-12-31 20:00"); // Thursday
    expect(iso(addWorkingDays(cal, dec31, 0))).toBe("2026-12-31T15:59:59.999Z");
    expect(iso(addWorkingDays(cal, dec31, 1))).toBe("2027-01-01T15:59:59.999Z");
    expect(iso(addWorkingDays(cal, dec31, 2))).toBe("2027-01-04T15:59:59.999Z");
    expect(iso(addWorkingDays(cal, Date.parse("2026-12-31T16:00:00.000Z"), 1))).toBe("2027-01-04T15:59:59.999Z");
    // once an admin adds New Year's Day 2027, it is skipped
    const with2027 = makeCalendar(TZ, [...loadPackageCalendar(), { date: "2027-01-01", kind: "holiday" }]);
    expect(iso(addWorkingDays(with2027, dec31, 1))).toBe("2027-01-04T15:59:59.999Z");
    expect(workingDaysBetween(with2027, dec31, sh("2027-01-04 09:00"))).toBe(1);
    expect(workingDaysBetween(cal, dec31, sh("2027-01-04 09:00"))).toBe(2);
  });

  it("lets an admin row override the package and weekends", () => {
    const edited = makeCalendar(TZ, [
      ...loadPackageCalendar(),
      { date: "2026-10-07", kind: "workday" }, // later row wins
      { date: "2026-12-07", kind: "holiday" }, // a Monday off
    ]);
    expect(isWorkingDay(edited, "2026-10-07")).toBe(true);
    expect(isWorkingDay(edited, "2026-12-07")).toBe(false);
    expect(iso(addWorkingDays(edited, sh("2026-12-04 10:00"), 1))).toBe(iso(eod("2026-12-08")));
  });

  it("refuses a negative or fractional count, and a calendar without working days", () => {
    expect(() => addWorkingDays(cal, sh("2026-12-01 10:00"), -1)).toThrow(RangeError);
    expect(() => addWorkingDays(cal, sh("2026-12-01 10:00"), 1.5)).toThrow(RangeError);
    const allOff = makeCalendar(TZ, Array.from({ length: 4000 }, (_, i) => ({ date: addCalendarDays("2026-01-01", i), kind: "holiday" as const })));
    expect(() => nextWorkingDay(allOff, "2026-01-01")).toThrow(/no working day/);
  });

  it("counts working days between two instants (overdue by N working days)", () => {
    expect(workingDaysBetween(cal, sh("2026-09-30 12:00"), sh("2026-10-12 12:00"))).toBe(4); // 10-08, 09, 10, 12
    expect(workingDaysBetween(cal, sh("2026-10-12 12:00"), sh("2026-09-30 12:00"))).toBe(-4);
    expect(workingDaysBetween(cal, sh("2026-09-24 08:00"), sh("2026-10-08 08:00"))).toBe(4); // 09-28, 29, 30, 10-08
    expect(workingDaysBetween(cal, sh("2026-09-18 08:00"), sh("2026-09-21 08:00"))).toBe(2); // 09-20 make-up, 09-21
    expect(workingDaysBetween(cal, sh("2026-02-13 10:00"), sh("2026-02-24 10:00"))).toBe(2); // 02-14, 02-24
    expect(workingDaysBetween(cal, sh("2026-02-13 10:00"), sh("2026-03-01 10:00"))).toBe(6); // 14, 24–28
    expect(workingDaysBetween(cal, sh("2026-10-01 00:00"), sh("2026-10-07 23:59"))).toBe(0);
    expect(workingDaysBetween(cal, sh("2026-10-08 01:00"), sh("2026-10-08 23:00"))).toBe(0);
    // due at the end of 09-30: one millisecond later is the holiday, not yet a working day overdue
    const due = eod("2026-09-30");
    expect(workingDaysBetween(cal, due, due + 1)).toBe(0);
    expect(workingDaysBetween(cal, due, sh("2026-10-08 00:00"))).toBe(1);
    expect(workingDaysBetween(cal, sh("2026-12-30 10:00"), sh("2027-01-05 10:00"))).toBe(4); // 31, 01-01, 04, 05
  });

  it("adds working hours inside 09:00–18:00 on working days only", () => {
    // across a weekend: Friday 17:00 + 4h = 1h Friday + 3h Monday
    expect(iso(addWorkingHours(cal, sh("2026-12-04 17:00"), 4))).toBe(iso(sh("2026-12-07 12:00")));
    // across the end of a day
    expect(iso(addWorkingHours(cal, sh("2026-12-01 16:00"), 4))).toBe(iso(sh("2026-12-02 11:00")));
    expect(iso(addWorkingHours(cal, sh("2026-12-01 16:00"), 2))).toBe(iso(sh("2026-12-01 18:00"))); // exactly to the close
    expect(iso(addWorkingHours(cal, sh("2026-12-01 16:00"), 2.5))).toBe(iso(sh("2026-12-02 09:30")));
    // before opening, after closing, on a Sunday
    expect(iso(addWorkingHours(cal, sh("2026-12-01 07:00"), 1))).toBe(iso(sh("2026-12-01 10:00")));
    expect(iso(addWorkingHours(cal, sh("2026-12-01 20:00"), 1))).toBe(iso(sh("2026-12-02 10:00")));
    expect(iso(addWorkingHours(cal, sh("2026-12-06 11:00"), 0))).toBe(iso(sh("2026-12-07 09:00")));
    expect(iso(addWorkingHours(cal, sh("2026-12-01 11:15"), 0))).toBe(iso(sh("2026-12-01 11:15")));
    // a whole day is nine hours; 18 hours from Monday 09:00 is Tuesday 18:00
    expect(iso(addWorkingHours(cal, sh("2026-12-07 09:00"), 18))).toBe(iso(sh("2026-12-08 18:00")));
    // across the Spring Festival: make-up Saturday 17:00 + 2h → 02-24 10:00
    expect(iso(addWorkingHours(cal, sh("2026-02-14 17:00"), 2))).toBe(iso(sh("2026-02-24 10:00")));
    // across National Day, starting in the holiday
    expect(iso(addWorkingHours(cal, sh("2026-10-03 10:00"), 1))).toBe(iso(sh("2026-10-08 10:00")));
    // another window, across the year end
    expect(iso(addWorkingHours(cal, sh("2026-12-31 16:30"), 2, "08:30", "17:30"))).toBe(iso(sh("2027-01-01 09:30")));
    // the Shanghai day of 15:59:59.999Z vs 16:00Z
    expect(iso(addWorkingHours(cal, Date.parse("2026-09-30T15:59:59.999Z"), 1))).toBe(iso(sh("2026-10-08 10:00")));
    expect(() => addWorkingHours(cal, 0, -1)).toThrow(RangeError);
    expect(() => addWorkingHours(cal, 0, 1, "18:00", "09:00")).toThrow(RangeError);
    expect(() => addWorkingHours(cal, 0, 1, "9am", "18:00")).toThrow(RangeError);
  });

  it("workingDaysBetween(from, addWorkingDays(from, n)) is n from a working day (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse("2004-01-01T00:00:00Z"), max: Date.parse("2027-06-30T00:00:00Z") }), fc.integer({ min: 0, max: 30 }), (from, n) => {
        const due = addWorkingDays(cal, from, n);
        const day = localDate(from, TZ);
        expect(due).toBeGreaterThanOrEqual(from);
        expect(due).toBe(endOfDate(localDate(due, TZ), TZ));
        expect(isWorkingDay(cal, localDate(due, TZ))).toBe(true);
        // a non-working start day counts as if the count began on the next working day
        expect(workingDaysBetween(cal, from, due)).toBe(isWorkingDay(cal, day) ? n : Math.max(n, 1));
        expect(workingDaysBetween(cal, due, from)).toBe(0 - workingDaysBetween(cal, from, due));
      }),
      { numRuns: 1000 },
    );
  });

  it("addWorkingHours never lands outside a working window and is monotonic (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse("2025-12-01T00:00:00Z"), max: Date.parse("2027-01-31T00:00:00Z") }), fc.integer({ min: 1, max: 200 }), (from, quarters) => {
        const hours = quarters / 4;
        const due = addWorkingHours(cal, from, hours);
        const day = localDate(due, TZ);
        expect(isWorkingDay(cal, day)).toBe(true);
        expect(due).toBeGreaterThan(zonedTimeToUtc(day, 9, 0, 0, 0, TZ)); // hours > 0: strictly after opening
        expect(due).toBeLessThanOrEqual(zonedTimeToUtc(day, 18, 0, 0, 0, TZ));
        expect(due).toBeGreaterThanOrEqual(from + hours * 3_600_000);
        expect(addWorkingHours(cal, from, hours + 0.25)).toBeGreaterThan(due);
      }),
      { numRuns: 500 },
    );
  });
});

describe("resolveDeadline", () => {
  const tue = sh("2026-12-01 10:00"); // Tuesday

  it("resolves a date to the end of that Shanghai day", () => {
    expect(resolveDeadline({ kind: "date", month: 12, day: 10 }, tue, cal)).toBe(eod("2026-12-10"));
    expect(resolveDeadline({ kind: "date", month: 12, day: 1 }, tue, cal)).toBe(eod("2026-12-01")); // today is allowed
    expect(resolveDeadline({ kind: "date", year: 2026, month: 12, day: 31 }, tue, cal)).toBe(eod("2026-12-31"));
    expect(resolveDeadline({ kind: "date", year: 2027, month: 1, day: 8 }, tue, cal)).toBe(eod("2027-01-08"));
    // without a year a passed month/day means next year
    expect(resolveDeadline({ kind: "date", month: 11, day: 30 }, tue, cal)).toBe(eod("2027-11-30"));
    expect(resolveDeadline({ kind: "date", month: 1, day: 5 }, sh("2026-12-31 23:00"), cal)).toBe(eod("2027-01-05"));
    // a date on a holiday is taken literally
    expect(resolveDeadline({ kind: "date", month: 10, day: 3 }, sh("2026-09-01 10:00"), cal)).toBe(eod("2026-10-03"));
  });

  it("月底 is the month's last working day; 下月底 the next month's (issue 11)", () => {
    // 2026-12-31 is a Thursday (working); 2027-01-31 is a Sunday → Friday 2027-01-29.
    expect(resolveDeadline({ kind: "month_end", monthOffset: 0 }, tue, cal)).toBe(eod("2026-12-31"));
    expect(resolveDeadline({ kind: "month_end", monthOffset: 1 }, tue, cal)).toBe(eod("2027-01-29"));
    // October 2026: the 31st is a Saturday → Friday the 30th; asked on Saturday the 31st, it has passed.
    expect(resolveDeadline({ kind: "month_end", monthOffset: 0 }, sh("2026-10-10 10:00"), cal)).toBe(eod("2026-10-30"));
    expect(resolveDeadline({ kind: "month_end", monthOffset: 0 }, sh("2026-10-31 10:00"), cal)).toMatchObject({ error: expect.stringContaining("下月底") });
  });

  it("20号 is the next 20th; 本月/下月 name the month; a day the month lacks is refused", () => {
    // tue is 2026-12-01 or later in December (see above): the 20th of this month is still ahead.
    expect(resolveDeadline({ kind: "month_day", day: 20 }, sh("2026-12-08 10:00"), cal)).toBe(eod("2026-12-20"));
    expect(resolveDeadline({ kind: "month_day", day: 5 }, sh("2026-12-08 10:00"), cal)).toBe(eod("2027-01-05"));
    expect(resolveDeadline({ kind: "month_day", day: 8 }, sh("2026-12-08 10:00"), cal)).toBe(eod("2026-12-08"));
    expect(resolveDeadline({ kind: "month_day", day: 10, monthOffset: 1 }, sh("2026-12-08 10:00"), cal)).toBe(eod("2027-01-10"));
    expect(resolveDeadline({ kind: "month_day", day: 5, monthOffset: 0 }, sh("2026-12-08 10:00"), cal)).toMatchObject({ error: expect.stringContaining("下月5号") });
    expect(resolveDeadline({ kind: "month_day", day: 30, monthOffset: 1 }, sh("2027-01-10 10:00"), cal)).toMatchObject({ error: expect.stringContaining("2月没有30日") });
  });

  it("reads today in Shanghai: 15:59:59.999Z vs 16:00Z", () => {
    const spec = { kind: "date", month: 9, day: 30 } as const;
    expect(resolveDeadline(spec, Date.parse("2026-09-30T15:59:59.999Z"), cal)).toBe(eod("2026-09-30"));
    expect(resolveDeadline(spec, Date.parse("2026-09-30T16:00:00.000Z"), cal)).toBe(eod("2027-09-30"));
    const dated = { kind: "date", year: 2026, month: 9, day: 30 } as const;
    expect(resolveDeadline(dated, Date.parse("2026-09-30T16:00:00.000Z"), cal)).toEqual({ error: "截止日期不能早于今天。" });
  });

  it("refuses impossible and past dates in Chinese", () => {
    expect(resolveDeadline({ kind: "date", year: 2026, month: 11, day: 30 }, tue, cal)).toEqual({ error: "截止日期不能早于今天。" });
    expect(resolveDeadline({ kind: "date", month: 2, day: 30 }, tue, cal)).toEqual({ error: "日期无效：2027年2月没有30日。" });
    expect(resolveDeadline({ kind: "date", year: 2027, month: 4, day: 31 }, tue, cal)).toEqual({ error: "日期无效：2027年4月没有31日。" });
    expect(resolveDeadline({ kind: "date", month: 2, day: 29 }, tue, cal)).toEqual({ error: "日期无效：2027年2月没有29日。" });
    expect(resolveDeadline({ kind: "date", month: 2, day: 29 }, sh("2027-12-01 10:00"), cal)).toBe(eod("2028-02-29"));
    expect(resolveDeadline({ kind: "date", month: 13, day: 1 }, tue, cal)).toEqual({ error: "日期无效：没有13月。" });
    expect(resolveDeadline({ kind: "date", year: 2099, month: 1, day: 1 }, tue, cal)).toHaveProperty("error");
  });

  it("resolves 本周X / 周X and 下周X on Monday-based weeks", () => {
    expect(resolveDeadline({ kind: "weekday", weekday: 5, weekOffset: 0 }, tue, cal)).toBe(eod("2026-12-04"));
    expect(resolveDeadline({ kind: "weekday", weekday: 2, weekOffset: 0 }, tue, cal)).toBe(eod("2026-12-01")); // today
    expect(resolveDeadline({ kind: "weekday", weekday: 7, weekOffset: 0 }, tue, cal)).toBe(eod("2026-12-06"));
    expect(resolveDeadline({ kind: "weekday", weekday: 1, weekOffset: 1 }, tue, cal)).toBe(eod("2026-12-07"));
    expect(resolveDeadline({ kind: "weekday", weekday: 7, weekOffset: 1 }, tue, cal)).toBe(eod("2026-12-13"));
    const sun = sh("2026-12-06 20:00");
    expect(resolveDeadline({ kind: "weekday", weekday: 7, weekOffset: 0 }, sun, cal)).toBe(eod("2026-12-06"));
    expect(resolveDeadline({ kind: "weekday", weekday: 1, weekOffset: 1 }, sun, cal)).toBe(eod("2026-12-07"));
    // across the year end
    expect(resolveDeadline({ kind: "weekday", weekday: 1, weekOffset: 1 }, sh("2026-12-31 09:00"), cal)).toBe(eod("2027-01-04"));
    expect(resolveDeadline({ kind: "weekday", weekday: 5, weekOffset: 0 }, sh("2026-12-31 09:00"), cal)).toBe(eod("2027-01-01"));
  });

  it("refuses a weekday of this week that has passed", () => {
    expect(resolveDeadline({ kind: "weekday", weekday: 1, weekOffset: 0 }, tue, cal)).toEqual({
      error: "本周的周一已过（今天是周二），请写「下周一」或具体日期。",
    });
    const sun = sh("2026-12-06 20:00");
    expect(resolveDeadline({ kind: "weekday", weekday: 6, weekOffset: 0 }, sun, cal)).toEqual({
      error: "本周的周六已过（今天是周日），请写「下周六」或具体日期。",
    });
    // 16:00Z on a Monday (UTC) is already Tuesday in Shanghai
    expect(resolveDeadline({ kind: "weekday", weekday: 1, weekOffset: 0 }, Date.parse("2026-11-30T15:59:59.999Z"), cal)).toBe(eod("2026-11-30"));
    expect(resolveDeadline({ kind: "weekday", weekday: 1, weekOffset: 0 }, Date.parse("2026-11-30T16:00:00.000Z"), cal)).toHaveProperty("error");
  });

  it("resolves N天内 as calendar days and N个工作日 as working days", () => {
    expect(resolveDeadline({ kind: "days", n: 3, working: false }, tue, cal)).toBe(eod("2026-12-04"));
    expect(resolveDeadline({ kind: "days", n: 0, working: false }, tue, cal)).toBe(eod("2026-12-01"));
    expect(resolveDeadline({ kind: "days", n: 3, working: false }, sh("2026-12-30 10:00"), cal)).toBe(eod("2027-01-02"));
    expect(resolveDeadline({ kind: "days", n: 5, working: true }, tue, cal)).toBe(eod("2026-12-08"));
    // 5 working days from Friday 09-18: 09-20 (make-up Sunday), 21, 22, 23, 24
    expect(resolveDeadline({ kind: "days", n: 5, working: true }, sh("2026-09-18 10:00"), cal)).toBe(eod("2026-09-24"));
    // 3 working days from 09-30: 10-08, 09, 10 (make-up Saturday)
    expect(resolveDeadline({ kind: "days", n: 3, working: true }, sh("2026-09-30 10:00"), cal)).toBe(eod("2026-10-10"));
    // 7 calendar days from 09-30 ends in the holiday, taken literally
    expect(resolveDeadline({ kind: "days", n: 7, working: false }, sh("2026-09-30 10:00"), cal)).toBe(eod("2026-10-07"));
    expect(resolveDeadline({ kind: "days", n: 0, working: true }, sh("2026-10-01 10:00"), cal)).toBe(eod("2026-10-08"));
  });

  it("refuses a negative or absurd count", () => {
    expect(resolveDeadline({ kind: "days", n: -1, working: false }, tue, cal)).toEqual({ error: "天数应为不小于0的整数。" });
    expect(resolveDeadline({ kind: "days", n: 1.5, working: true }, tue, cal)).toHaveProperty("error");
    expect(resolveDeadline({ kind: "days", n: 999_999, working: true }, tue, cal)).toEqual({ error: "期限不能超过3650天。" });
    expect(resolveDeadline({ kind: "days", n: 999_999, working: false }, tue, cal)).toHaveProperty("error");
    expect(resolveDeadline({ kind: "days", n: 3000, working: true }, tue, cal)).toEqual({ error: "期限不能超过3650天。" });
  });
});

describe("the calendar_days table", () => {
  let t: Awaited<ReturnType<typeof tempDb>>;
  beforeAll(async () => {
    t = await tempDb();
  });
  afterAll(() => t.cleanup());

  it("seeds the package rows once, in statements D1 accepts, keeping admin edits", async () => {
    // an admin marks 2026-10-07 a working day before the first seed
    await t.db.insert(calendarDays).values({ date: "2026-10-07", kind: "workday", name: "调整", source: "admin" });
    const params: number[] = [];
    const spy = new Proxy(t.db, {
      get(target, prop, receiver) {
        if (prop === "batch") {
          return (qs: { toSQL: () => { params: unknown[] } }[]) => {
            for (const q of qs) params.push(q.toSQL().params.length);
            return target.batch(qs as never);
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    }) as Db;
    const pkg = loadPackageCalendar();
    expect(await seedCalendar(spy)).toBe(pkg.length - 1);
    expect(params.length).toBe(Math.ceil((pkg.length - 1) / 25));
    expect(Math.max(...params)).toBeLessThanOrEqual(100);
    expect(await seedCalendar(spy)).toBe(0); // idempotent, and writes nothing
    expect(params.length).toBe(Math.ceil((pkg.length - 1) / 25));

    const rows = await t.db.select().from(calendarDays);
    expect(rows).toHaveLength(pkg.length);
    expect(rows.find((r) => r.date === "2026-10-07")).toEqual({ date: "2026-10-07", kind: "workday", name: "调整", source: "admin" });
    expect(rows.find((r) => r.date === "2026-10-10")).toEqual({ date: "2026-10-10", kind: "workday", name: "国庆节", source: "package" });
    expect(rows.filter((r) => r.source === "admin")).toHaveLength(1);

    const loaded = await loadCalendar(t.db, TZ);
    expect(loaded.timeZone).toBe(TZ);
    expect(isWorkingDay(loaded, "2026-10-07")).toBe(true);
    expect(isWorkingDay(loaded, "2026-10-06")).toBe(false);
    expect(isWorkingDay(loaded, "2026-02-14")).toBe(true);
    expect(loaded.holidays.size + loaded.workdays.size).toBe(pkg.length);
  });

  it("does not overwrite a row an admin changed after seeding", async () => {
    await t.db.update(calendarDays).set({ kind: "workday", source: "admin" }).where(eq(calendarDays.date, "2026-10-06"));
    await t.db.delete(calendarDays).where(eq(calendarDays.date, "2026-02-23"));
    expect(await seedCalendar(t.db)).toBe(1); // the deleted package row comes back
    const loaded = await loadCalendar(t.db, TZ);
    expect(isWorkingDay(loaded, "2026-10-06")).toBe(true);
    expect(isWorkingDay(loaded, "2026-02-23")).toBe(false);
  });
});

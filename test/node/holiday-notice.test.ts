/** The State Council notice parser (issue 14 item 6): real notice wording for 2025 and 2026 against the package, a 2027 text, and refusals. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import data from "chinese-days/dist/chinese-days.json" with { type: "json" };
import { addCalendarDays, calendarFromPackage, isWorkingDay, makeCalendar, missingPlanYear, type ChineseDaysData } from "../../src/domain/calendar.js";
import { parseHolidayNotice } from "../../src/domain/holiday-notice.js";

const notice = (y: number) => readFileSync(new URL(`../fixtures/notices/${y}.txt`, import.meta.url), "utf8");
const pkg = calendarFromPackage(data as ChineseDaysData);
const TZ = "Asia/Shanghai";

function parsed(text: string, year?: number) {
  const r = parseHolidayNotice(text, year);
  if (!r.ok) throw new Error(r.errors.join("\n"));
  return r.notice;
}

describe("parseHolidayNotice", () => {
  it.each([2025, 2026])("reads the %i notice to exactly the days chinese-days lists for that year", (year) => {
    const n = parsed(notice(year));
    expect(n.year).toBe(year);
    const want = pkg.filter((r) => r.date.startsWith(`${year}-`)).map((r) => `${r.date} ${r.kind}`);
    // The package lists weekend days inside a holiday range as holidays too, as the parser does.
    expect(n.rows.map((r) => `${r.date} ${r.kind}`)).toEqual(want);
  });

  it("reads the 2024 notice (与周末连休, a sentence about 除夕 that is no arrangement) to the same working days as the package", () => {
    const n = parsed(notice(2024));
    const mine = makeCalendar(TZ, n.rows);
    const theirs = makeCalendar(TZ, pkg);
    const differ: string[] = [];
    for (let d = "2024-01-01"; d <= "2024-12-31"; d = addCalendarDays(d, 1)) if (isWorkingDay(mine, d) !== isWorkingDay(theirs, d)) differ.push(d);
    expect(differ).toEqual([]);
    expect(n.rows.find((r) => r.date === "2024-02-09")).toBeUndefined(); // 除夕 is encouraged leave, not a holiday
  });

  it("names each day after its item, joint items included", () => {
    const n = parsed(notice(2025));
    expect(n.rows.find((r) => r.date === "2025-10-08")).toEqual({ date: "2025-10-08", kind: "holiday", name: "国庆节、中秋节" });
    expect(n.rows.find((r) => r.date === "2025-01-26")).toEqual({ date: "2025-01-26", kind: "workday", name: "春节" });
    expect(n.items.map((i) => i.name)).toEqual(["元旦", "春节", "清明节", "劳动节", "端午节", "国庆节、中秋节"]);
  });

  it("reads a 2027 text: ranges without month or weekday, 与周末连休, 放假1天, several make-up days", () => {
    const n = parsed(notice(2027));
    const spring = n.items.find((i) => i.name === "春节")!;
    expect(spring.holidays).toEqual(["2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11", "2027-02-12", "2027-02-13"]);
    expect(spring.workdays).toEqual(["2027-02-14"]);
    expect(n.items.find((i) => i.name === "端午节")).toEqual({ name: "端午节", holidays: ["2027-06-09"], workdays: [] });
    expect(n.items.find((i) => i.name === "劳动节")!.workdays).toEqual(["2027-04-25", "2027-05-08"]);
    expect(n.rows.every((r) => r.date.startsWith("2027-"))).toBe(true);
    // Loaded, it closes the gap the missing-year warning reports.
    const dec = Date.parse("2026-12-02T09:00:00+08:00");
    expect(missingPlanYear(makeCalendar(TZ, pkg), dec)).toBe(2027);
    expect(missingPlanYear(makeCalendar(TZ, [...pkg, ...n.rows]), dec)).toBeUndefined();
  });

  it("takes the items on one line, full-width digits and a year given by the admin when the title is missing", () => {
    const n = parsed("一、元旦：１月１日（周五）至３日（周日）放假调休，共３天。二、春节：2月6日至13日放假调休，共8天。2月14日（星期日）上班。", 2027);
    expect(n.rows.filter((r) => r.kind === "holiday")).toHaveLength(11);
    expect(n.rows.filter((r) => r.kind === "workday").map((r) => r.date)).toEqual(["2027-02-14"]);
  });

  it("reads explicit years for days in the previous year (the 2019 元旦 wording)", () => {
    const n = parsed("一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。", 2019);
    expect(n.rows.map((r) => `${r.date} ${r.kind}`)).toEqual(["2018-12-29 workday", "2018-12-30 holiday", "2018-12-31 holiday", "2019-01-01 holiday"]);
  });

  it("refuses, in Chinese, a wrong year, a wrong day count, impossible dates and text without items", () => {
    const wrongYear = parseHolidayNotice(notice(2026).replace("2026年部分节假日安排", "2027年部分节假日安排"));
    expect(wrongYear.ok).toBe(false);
    if (!wrongYear.ok) expect(wrongYear.errors.join()).toMatch(/2027年1月1日不是星期四/);
    const count = parseHolidayNotice("一、元旦：1月1日（周五）至3日（周日）放假调休，共4天。", 2027);
    expect(count).toEqual({ ok: false, errors: ["元旦：日期范围是 3 天，通知写的是共 4 天。"] });
    const bad = parseHolidayNotice("二、春节：2月30日至3月2日放假，共3天。", 2027);
    expect(bad.ok ? [] : bad.errors).toContain("春节：2027年2月没有30日。");
    expect(parseHolidayNotice("今天天气很好", 2027)).toEqual({ ok: false, errors: ["没有找到「一、元旦：……」这样的放假安排条目。"] });
    expect(parseHolidayNotice("一、元旦：1月1日放假。")).toMatchObject({ ok: false, errors: [expect.stringMatching(/无法确定年份/)] });
    expect(parseHolidayNotice("  ")).toEqual({ ok: false, errors: ["请粘贴国务院办公厅节假日安排通知的正文。"] });
    const both = parseHolidayNotice("一、元旦：1月1日至3日放假，共3天。1月2日上班。", 2027);
    expect(both.ok ? [] : both.errors).toContain("元旦：2027-01-02 既是放假日又是上班日。");
  });
});

describe("missingPlanYear", () => {
  const cal = makeCalendar(TZ, pkg);
  it("reports this year when it has no plan, next year only from October", () => {
    expect(missingPlanYear(cal, Date.parse("2026-09-30T12:00:00+08:00"))).toBeUndefined();
    expect(missingPlanYear(cal, Date.parse("2026-10-01T00:00:00+08:00"))).toBe(2027);
    expect(missingPlanYear(cal, Date.parse("2027-03-01T00:00:00+08:00"))).toBe(2027);
    expect(missingPlanYear(cal, Date.parse("2025-12-31T12:00:00+08:00"))).toBeUndefined();
  });
});

/**
 * Working-day arithmetic in the business time zone (Asia/Shanghai by default) with the official
 * holiday / 调休 calendar. Pure: no I/O and no clock; every "now" is a parameter.
 *
 * Dates are 'YYYY-MM-DD' strings in the business zone; instants are UTC epoch milliseconds.
 */
import type { DeadlineSpec } from "./values.js";

export type Calendar = {
  timeZone: string;
  /** Days off that would otherwise be working days (and holiday weekends, harmlessly). */
  holidays: ReadonlySet<string>;
  /** 调休 make-up working days that fall on a weekend. */
  workdays: ReadonlySet<string>;
};

export type CalendarKind = "holiday" | "workday";
export type CalendarRow = { date: string; kind: CalendarKind; name: string | null };

/** Build a calendar from stored rows; a later row for the same date replaces an earlier one. */
export function makeCalendar(timeZone: string, days: readonly { date: string; kind: CalendarKind }[]): Calendar {
  const holidays = new Set<string>();
  const workdays = new Set<string>();
  for (const d of days) {
    assertYmd(d.date);
    if (d.kind === "holiday") {
      workdays.delete(d.date);
      holidays.add(d.date);
    } else {
      holidays.delete(d.date);
      workdays.add(d.date);
    }
  }
  return { timeZone, holidays, workdays };
}

// ---------------------------------------------------------------------------------------------
// Calendar dates ('YYYY-MM-DD'), independent of any zone

const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

function assertYmd(ymd: string): void {
  if (!YMD.test(ymd)) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(ymd)}`);
}

function parseYmd(ymd: string): { year: number; month: number; day: number } {
  const m = YMD.exec(ymd);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(ymd)}`);
  return { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** Format year/month/day as 'YYYY-MM-DD' (no validation). */
export function formatYmd(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** Days in a month of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Whether year/month/day names a real date (2月30日 does not). */
export function isValidDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) && Number.isInteger(month) && Number.isInteger(day) &&
    month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
  );
}

/** Days since 1970-01-01 for a calendar date. */
function dayNumber(ymd: string): number {
  const { year, month, day } = parseYmd(ymd);
  return Math.round(utcWall(year, month, day, 0, 0, 0, 0) / DAY_MS);
}

function fromDayNumber(n: number): string {
  const t = new Date(n * DAY_MS);
  return formatYmd(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** The date n calendar days after ymd (n may be negative). */
export function addCalendarDays(ymd: string, n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`addCalendarDays: n must be an integer, got ${n}`);
  return fromDayNumber(dayNumber(ymd) + n);
}

/** ISO weekday of a calendar date: 1 = Monday … 7 = Sunday. */
export function weekdayOf(ymd: string): 1 | 2 | 3 | 4 | 5 | 6 | 7 {
  const dow = (((dayNumber(ymd) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday (4); 0 = Sunday
  return (dow === 0 ? 7 : dow) as 1 | 2 | 3 | 4 | 5 | 6 | 7;
}

// ---------------------------------------------------------------------------------------------
// Instants ↔ local wall time in an IANA zone (via Intl, so DST zones work too)

export type LocalParts = {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 1 = Monday … 7 = Sunday */
  weekday: 1 | 2 | 3 | 4 | 5 | 6 | 7;
};

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      calendar: "gregory",
      numberingSystem: "latn",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      hourCycle: "h23",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Local wall-clock fields of an instant in `timeZone`. */
export function localParts(instantMs: number, timeZone: string): LocalParts {
  if (!Number.isFinite(instantMs)) throw new RangeError(`not an instant: ${instantMs}`);
  const offset = hourOffset(instantMs, timeZone);
  if (offset !== undefined) {
    const t = new Date(instantMs + offset);
    const dow = t.getUTCDay();
    return {
      year: t.getUTCFullYear(),
      month: t.getUTCMonth() + 1,
      day: t.getUTCDate(),
      hour: t.getUTCHours(),
      minute: t.getUTCMinutes(),
      second: t.getUTCSeconds(),
      weekday: (dow === 0 ? 7 : dow) as LocalParts["weekday"],
    };
  }
  return intlParts(instantMs, timeZone);
}

/**
 * The zone's UTC offset over the UTC hour holding `instantMs`, read through Intl once per zone and hour; undefined
 * when it changes within that hour (a transition: Intl answers each instant) or the year is outside 1000–9999.
 * formatToParts cost microseconds per call, and the digest formats tens of thousands of dates (issue 12).
 */
const HOUR_MS = 3_600_000;
const offsets = new Map<string, Map<number, number | null>>();
function hourOffset(instantMs: number, timeZone: string): number | undefined {
  const hour = Math.floor(instantMs / HOUR_MS);
  let byHour = offsets.get(timeZone);
  if (!byHour) offsets.set(timeZone, (byHour = new Map()));
  let o = byHour.get(hour);
  if (o === undefined) {
    const start = hour * HOUR_MS;
    const [a, b] = [intlOffset(start, timeZone), intlOffset(start + HOUR_MS - 1000, timeZone)];
    o = a === b && a !== undefined ? a : null;
    if (byHour.size >= 100_000) byHour.clear(); // ~11 years of hours per zone
    byHour.set(hour, o);
  }
  return o ?? undefined;
}

function intlOffset(instantMs: number, timeZone: string): number | undefined {
  const p = intlParts(instantMs, timeZone);
  if (p.year < 1000 || p.year > 9999) return undefined;
  return utcWall(p.year, p.month, p.day, p.hour, p.minute, p.second, 0) - Math.floor(instantMs / 1000) * 1000;
}

function intlParts(instantMs: number, timeZone: string): LocalParts {
  const p: Record<string, string> = {};
  for (const { type, value } of formatterFor(timeZone).formatToParts(instantMs)) p[type] = value;
  let year = Number(p.year);
  if (p.era === "BC" || p.era === "B") year = 1 - year;
  const month = Number(p.month);
  const day = Number(p.day);
  return {
    year,
    month,
    day,
    hour: Number(p.hour) % 24, // some engines print midnight as "24" despite h23
    minute: Number(p.minute),
    second: Number(p.second),
    weekday: weekdayOf(formatYmd(year, month, day)),
  };
}

/** The local calendar date 'YYYY-MM-DD' of an instant in `timeZone`. */
export function localDate(instantMs: number, timeZone: string): string {
  const p = localParts(instantMs, timeZone);
  return formatYmd(p.year, p.month, p.day);
}

/** Date.UTC with a literal year (Date.UTC alone maps years 0..99 to 1900..1999). */
function utcWall(year: number, month: number, day: number, h: number, mi: number, s: number, ms: number): number {
  const t = Date.UTC(year, month - 1, day, h, mi, s, ms);
  if (year < 0 || year > 99) return t;
  const d = new Date(t);
  d.setUTCFullYear(d.getUTCFullYear() - 1900);
  return d.getTime();
}

/** UTC offset (local minus UTC, in ms, whole seconds) of `timeZone` at an instant. */
export function offsetAt(instantMs: number, timeZone: string): number {
  const p = localParts(instantMs, timeZone);
  return utcWall(p.year, p.month, p.day, p.hour, p.minute, p.second, 0) - Math.floor(instantMs / 1000) * 1000;
}

/**
 * The instant at local wall time `ymd hh:mm:ss.ms` in `timeZone`. In a DST gap the wall time does not
 * exist and the result is shifted forward by the gap; in a DST overlap the earlier instant is chosen.
 */
export function zonedTimeToUtc(ymd: string, hh: number, mm: number, ss: number, ms: number, timeZone: string): number {
  const { year, month, day } = parseYmd(ymd);
  const wall = utcWall(year, month, day, hh, mm, ss, ms);
  // Try the offsets in force just before and just after the wall time read as UTC; keep the
  // candidates that really show this wall time, earliest first.
  const offsets = new Set([offsetAt(wall - DAY_MS, timeZone), offsetAt(wall, timeZone), offsetAt(wall + DAY_MS, timeZone)]);
  const exact: number[] = [];
  for (const o of offsets) {
    const t = wall - o;
    if (offsetAt(t, timeZone) === o) exact.push(t);
  }
  if (exact.length) return Math.min(...exact);
  // A gap (clocks jumped forward): the offset from before the jump is the smaller one; with it
  // the wall time lands just after the gap, shifted forward by the gap's length.
  return wall - Math.min(...offsets);
}

/** The first instant (00:00 local) of the local day containing `instantMs`. */
export function startOfLocalDay(instantMs: number, timeZone: string): number {
  return zonedTimeToUtc(localDate(instantMs, timeZone), 0, 0, 0, 0, timeZone);
}

/** The last millisecond (23:59:59.999 local) of the local day containing `instantMs`. */
export function endOfLocalDay(instantMs: number, timeZone: string): number {
  return endOfDate(localDate(instantMs, timeZone), timeZone);
}

/** The last millisecond of a local calendar date: one before the next local midnight. */
export function endOfDate(ymd: string, timeZone: string): number {
  return zonedTimeToUtc(addCalendarDays(ymd, 1), 0, 0, 0, 0, timeZone) - 1;
}

// ---------------------------------------------------------------------------------------------
// Working days

/** A 调休 make-up day works; a listed holiday does not; otherwise Monday–Friday work. */
export function isWorkingDay(cal: Calendar, ymd: string): boolean {
  if (cal.workdays.has(ymd)) return true;
  if (cal.holidays.has(ymd)) return false;
  return weekdayOf(ymd) <= 5;
}

/** Give up rather than loop forever on a calendar an admin has filled with holidays. */
const MAX_SCAN_DAYS = 3660;

/** The first working day strictly after ymd. */
export function nextWorkingDay(cal: Calendar, ymd: string): string {
  let d = ymd;
  for (let i = 0; i < MAX_SCAN_DAYS; i++) {
    d = addCalendarDays(d, 1);
    if (isWorkingDay(cal, d)) return d;
  }
  throw new RangeError(`no working day within ${MAX_SCAN_DAYS} days after ${ymd}`);
}

/**
 * The end (23:59:59.999 local) of the n-th working day after the local date of `fromMs`.
 * n = 0 means the end of that day if it is a working day, else the end of the next working day.
 */
export function addWorkingDays(cal: Calendar, fromMs: number, n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`addWorkingDays: n must be a non-negative integer, got ${n}`);
  let d = localDate(fromMs, cal.timeZone);
  if (n === 0) return endOfDate(isWorkingDay(cal, d) ? d : nextWorkingDay(cal, d), cal.timeZone);
  for (let i = 0; i < n; i++) d = nextWorkingDay(cal, d);
  return endOfDate(d, cal.timeZone);
}

function parseHm(s: string): [number, number] {
  const m = /^(\d{1,2}):(\d{2})$/.exec(s);
  if (!m || Number(m[1]) > 24 || Number(m[2]) > 59 || (Number(m[1]) === 24 && Number(m[2]) !== 0)) {
    throw new RangeError(`not a HH:MM time: ${JSON.stringify(s)}`);
  }
  return [Number(m[1]), Number(m[2])];
}

/**
 * The instant `hours` working hours after `fromMs`, counting only time inside [workStart, workEnd)
 * of working days. A count that runs out exactly at workEnd ends at workEnd (not the next morning);
 * 0 hours outside the window gives the start of the next window.
 */
export function addWorkingHours(cal: Calendar, fromMs: number, hours: number, workStart = "09:00", workEnd = "18:00"): number {
  if (!Number.isFinite(hours) || hours < 0) throw new RangeError(`addWorkingHours: hours must be >= 0, got ${hours}`);
  const [sh, sm] = parseHm(workStart);
  const [eh, em] = parseHm(workEnd);
  if (eh * 60 + em <= sh * 60 + sm) throw new RangeError(`working window ${workStart}–${workEnd} is empty`);
  let remaining = Math.round(hours * 3_600_000);
  let d = localDate(fromMs, cal.timeZone);
  if (!isWorkingDay(cal, d)) d = nextWorkingDay(cal, d);
  for (;;) {
    const open = zonedTimeToUtc(d, sh, sm, 0, 0, cal.timeZone);
    const close = eh === 24 ? endOfDate(d, cal.timeZone) + 1 : zonedTimeToUtc(d, eh, em, 0, 0, cal.timeZone);
    const start = Math.max(fromMs, open);
    if (start < close) {
      if (remaining <= close - start) return start + remaining;
      remaining -= close - start;
    }
    d = nextWorkingDay(cal, d);
  }
}

/**
 * Working days d with localDate(from) < d <= localDate(to); negative (the same count, reversed) when
 * `to` is before `from`. "Overdue by N working days" is workingDaysBetween(cal, dueAt, now).
 */
export function workingDaysBetween(cal: Calendar, fromMs: number, toMs: number): number {
  const a = localDate(fromMs, cal.timeZone);
  const b = localDate(toMs, cal.timeZone);
  if (a === b) return 0;
  const [lo, hi, sign] = a < b ? [a, b, 1] : [b, a, -1];
  const count = workingDaysIn(cal, dayNumber(lo), dayNumber(hi));
  return count === 0 ? 0 : sign * count; // never -0
}

/**
 * Per calendar, a running count of working days over a span of day numbers, grown on demand: the digest asks
 * "overdue by how many working days" of tens of thousands of cases up to years late (issue 12), which a day-by-day
 * walk made O(days) each. Spans beyond MAX_PREFIX_DAYS are walked instead, so memory stays small.
 */
const prefixes = new WeakMap<Calendar, { base: number; cum: Int32Array }>();
const MAX_PREFIX_DAYS = 40 * 366;
const PAD_DAYS = 366;

/** Working days d with lo < d <= hi (day numbers, lo <= hi). */
function workingDaysIn(cal: Calendar, lo: number, hi: number): number {
  let p = prefixes.get(cal);
  if (!p || lo < p.base || hi >= p.base + p.cum.length) {
    const base = Math.min(lo, p?.base ?? lo) - PAD_DAYS;
    const top = Math.max(hi, p ? p.base + p.cum.length - 1 : hi) + PAD_DAYS;
    if (top - base > MAX_PREFIX_DAYS) {
      let count = 0;
      for (let n = lo + 1; n <= hi; n++) count += isWorkingDay(cal, fromDayNumber(n)) ? 1 : 0;
      return count;
    }
    const cum = new Int32Array(top - base + 1); // cum[i]: working days in (base, base + i]
    for (let i = 1; i < cum.length; i++) cum[i] = cum[i - 1] + (isWorkingDay(cal, fromDayNumber(base + i)) ? 1 : 0);
    prefixes.set(cal, (p = { base, cum }));
  }
  return p.cum[hi - p.base] - p.cum[lo - p.base];
}

// ---------------------------------------------------------------------------------------------
// Deadlines as typed in chat

const WEEKDAY_CN = ["", "一", "二", "三", "四", "五", "六", "日"] as const;
/** The furthest deadline accepted, in days from today; longer is surely a typo. */
export const MAX_DEADLINE_DAYS = 3650;

/**
 * The instant a typed deadline means: the end of the local day it names (in the calendar's zone).
 * Returns { error } (Chinese, shown to the user) for impossible or past dates.
 */
export function resolveDeadline(spec: DeadlineSpec, nowMs: number, cal: Calendar): number | { error: string } {
  const tz = cal.timeZone;
  const today = localDate(nowMs, tz);
  const tooFar = (ymd: string) => dayNumber(ymd) - dayNumber(today) > MAX_DEADLINE_DAYS;
  switch (spec.kind) {
    case "date": {
      const { month, day } = spec;
      if (!Number.isInteger(month) || month < 1 || month > 12) return { error: `日期无效：没有${month}月。` };
      let year = spec.year;
      if (year === undefined) {
        // The next occurrence on or after today: this year unless that month/day has passed.
        const t = parseYmd(today);
        year = month > t.month || (month === t.month && day >= t.day) ? t.year : t.year + 1;
      }
      if (!isValidDate(year, month, day)) return { error: `日期无效：${year}年${month}月没有${day}日。` };
      const ymd = formatYmd(year, month, day);
      if (ymd < today) return { error: "截止日期不能早于今天。" };
      if (tooFar(ymd)) return { error: `截止日期不能晚于${MAX_DEADLINE_DAYS}天之后。` };
      return endOfDate(ymd, tz);
    }
    case "weekday": {
      const w = weekdayOf(today);
      const name = `周${WEEKDAY_CN[spec.weekday]}`;
      if (spec.weekOffset === 0 && spec.weekday < w) {
        return { error: `本周的${name}已过（今天是周${WEEKDAY_CN[w]}），请写「下${name}」或具体日期。` };
      }
      return endOfDate(addCalendarDays(today, spec.weekday - w + 7 * spec.weekOffset), tz);
    }
    case "days": {
      const { n } = spec;
      if (!Number.isInteger(n) || n < 0) return { error: "天数应为不小于0的整数。" };
      if (n > MAX_DEADLINE_DAYS) return { error: `期限不能超过${MAX_DEADLINE_DAYS}天。` };
      if (spec.working) {
        const due = addWorkingDays(cal, nowMs, n);
        return tooFar(localDate(due, tz)) ? { error: `期限不能超过${MAX_DEADLINE_DAYS}天。` } : due;
      }
      return endOfDate(addCalendarDays(today, n), tz);
    }
    case "month_day": {
      // 20号: this month's 20th unless it has passed (then next month's); 本月/下月 name the month.
      const t = parseYmd(today);
      const offset = spec.monthOffset ?? (spec.day >= t.day ? 0 : 1);
      const m0 = t.month - 1 + offset;
      const year = t.year + Math.floor(m0 / 12);
      const month = (m0 % 12) + 1;
      if (!isValidDate(year, month, spec.day)) return { error: `日期无效：${year}年${month}月没有${spec.day}日。` };
      const ymd = formatYmd(year, month, spec.day);
      if (ymd < today) return { error: `本月${spec.day}日已过，请写「下月${spec.day}号」或具体日期。` };
      return endOfDate(ymd, tz);
    }
    case "month_end": {
      // 月底: the month's last working day (an office deadline does not fall on a rest day).
      const t = parseYmd(today);
      const m0 = t.month - 1 + spec.monthOffset;
      const year = t.year + Math.floor(m0 / 12);
      const month = (m0 % 12) + 1;
      let ymd = formatYmd(year, month, daysInMonth(year, month));
      for (let i = 0; i < 31 && !isWorkingDay(cal, ymd); i++) ymd = addCalendarDays(ymd, -1);
      if (ymd < today) return { error: "本月的最后一个工作日已过，请写「下月底」或具体日期。" };
      return endOfDate(ymd, tz);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The chinese-days package data

/** The shape of chinese-days/dist/chinese-days.json: date → "English name,中文名,days". */
export type ChineseDaysData = {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
  inLieuDays?: Record<string, string>;
};

/** The Chinese name from "Spring Festival,春节,4"; the whole value when it has another shape. */
function chineseName(value: string): string {
  const parts = value.split(",");
  return parts.length >= 3 ? parts[parts.length - 2].trim() : value.trim();
}

/**
 * Calendar rows from the chinese-days data: `holidays` → 'holiday', `workdays` → 'workday'.
 * `inLieuDays` (调休 days off) are already listed in `holidays`, so they are not read.
 * Sorted by date; should a date appear in both lists, the make-up workday wins.
 */
export function calendarFromPackage(data: ChineseDaysData): CalendarRow[] {
  if (!data || typeof data.holidays !== "object" || typeof data.workdays !== "object") {
    throw new TypeError("chinese-days data: expected { holidays, workdays } objects");
  }
  const rows = new Map<string, CalendarRow>();
  const add = (list: Record<string, string>, kind: CalendarKind) => {
    for (const [date, value] of Object.entries(list)) {
      const m = YMD.exec(date);
      if (!m || !isValidDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
        throw new TypeError(`chinese-days data: bad date key ${JSON.stringify(date)}`);
      }
      rows.set(date, { date, kind, name: typeof value === "string" && value.trim() ? chineseName(value) : null });
    }
  };
  add(data.holidays, "holiday");
  add(data.workdays, "workday");
  return [...rows.values()].sort((x, y) => (x.date < y.date ? -1 : x.date > y.date ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// Is the official plan of a year loaded?

/** From this month on, next year's plan is expected (the State Council publishes it in October or November). */
export const NEXT_YEAR_PLAN_FROM_MONTH = 10;
const planned = new WeakMap<Calendar, Set<number>>();

/** Years with at least one listed holiday: every year has 元旦, so a year without one has no plan loaded. */
export function plannedYears(cal: Calendar): ReadonlySet<number> {
  let years = planned.get(cal);
  if (!years) {
    years = new Set([...cal.holidays].map((d) => Number(d.slice(0, 4))));
    planned.set(cal, years);
  }
  return years;
}

/**
 * The year whose official holiday plan is missing and matters now: this year, or next year from October on.
 * Until it is loaded, its holidays count as working days in deadlines and reminders. Memoised per calendar.
 */
export function missingPlanYear(cal: Calendar, nowMs: number): number | undefined {
  const { year, month } = localParts(nowMs, cal.timeZone);
  const years = plannedYears(cal);
  if (!years.has(year)) return year;
  if (month >= NEXT_YEAR_PLAN_FROM_MONTH && !years.has(year + 1)) return year + 1;
  return undefined;
}

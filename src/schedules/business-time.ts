/**
 * Business-time facts of one run instant, all computed in BUSINESS_TIMEZONE (Cron Triggers run in UTC):
 * the business date is the slot of every daily job, so 15:59:59Z and 16:00:00Z are different days in
 * Asia/Shanghai (R23).
 */
import { addCalendarDays, isWorkingDay, localDate, localParts, weekdayOf, zonedTimeToUtc, type Calendar } from "../domain/calendar.js";
import type { Policy } from "../domain/policy.js";

export type BizTime = {
  at: number;
  tz: string;
  /** YYYY-MM-DD in the business zone: the slot of daily jobs and the day of the mention limit. */
  today: string;
  working: boolean;
  /** Inside the policy's quiet hours (default 20:00–08:00), when only 紧急 cases may speak. */
  quiet: boolean;
  /** In the evening part of quiet hours: today's morning window has closed. */
  evening: boolean;
  /** When today's morning run (digest + reminders) is due: the policy's digestTime. */
  morningAt: number;
};

/** Minutes since midnight of "HH:mm". */
export function minutesOf(hhmm: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new RangeError(`policy time must be HH:mm, got ${JSON.stringify(hhmm)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Quiet hours may wrap midnight (20:00–08:00) or not (12:00–13:30); equal ends mean none. */
export function isQuiet(minutes: number, q: Policy["quietHours"]): boolean {
  const s = minutesOf(q.start);
  const e = minutesOf(q.end);
  if (s === e) return false;
  return s < e ? minutes >= s && minutes < e : minutes >= s || minutes < e;
}

/** The instant of the morning run on a business date. */
export function morningOf(ymd: string, tz: string, policy: Policy): number {
  const m = minutesOf(policy.digestTime);
  return zonedTimeToUtc(ymd, Math.floor(m / 60), m % 60, 0, 0, tz);
}

export function bizTime(at: number, cal: Calendar, policy: Policy): BizTime {
  const tz = cal.timeZone;
  const p = localParts(at, tz);
  const today = localDate(at, tz);
  const minutes = p.hour * 60 + p.minute;
  const quiet = isQuiet(minutes, policy.quietHours);
  const start = minutesOf(policy.quietHours.start);
  const evening = quiet && start > minutesOf(policy.quietHours.end) && minutes >= start;
  return { at, tz, today, working: isWorkingDay(cal, today), quiet, evening, morningAt: morningOf(today, tz, policy) };
}

/** The last working day strictly before ymd (bounded scan: a calendar of only holidays is a data error). */
export function prevWorkingDay(cal: Calendar, ymd: string): string {
  let d = ymd;
  for (let i = 0; i < 366; i++) {
    d = addCalendarDays(d, -1);
    if (isWorkingDay(cal, d)) return d;
  }
  throw new RangeError(`no working day within a year before ${ymd}`);
}

/** ISO week "2026-W49" of a date: the week belongs to the year of its Thursday. */
export function isoWeek(ymd: string): string {
  const thursday = addCalendarDays(ymd, 4 - weekdayOf(ymd));
  const year = Number(thursday.slice(0, 4));
  const dayOfYear = (Date.parse(`${thursday}T00:00:00Z`) - Date.parse(`${year}-01-01T00:00:00Z`)) / 86_400_000 + 1;
  return `${year}-W${String(Math.floor((dayOfYear - 1) / 7) + 1).padStart(2, "0")}`;
}

/** Monday of the ISO week containing ymd. */
export const weekStart = (ymd: string) => addCalendarDays(ymd, 1 - weekdayOf(ymd));

/** 00:00 of a business date, as an instant. */
export const startOfDate = (ymd: string, tz: string) => zonedTimeToUtc(ymd, 0, 0, 0, 0, tz);

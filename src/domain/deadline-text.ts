/** Deadline parsing (spec §3): 12月10日, 12-10, 12.10, 2026-12-10, 20号, 下月10号, 本周五, 下周三, 月底, 3天内, 5个工作日. */
import type { DeadlineSpec } from "./values.js";
import { fold } from "./fold.js";

export type DeadlinePrefix =
  | { ok: true; spec: DeadlineSpec; rest: string }
  | { ok: false; text: string } // looks like a date but is not a valid one (13月40日)
  | undefined; // nothing date-like at the start

const CN_DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** Small counts as written in Chinese (一 … 九十九) or Arabic digits; undefined when not a number. */
export function parseCount(s: string): number | undefined {
  if (/^\d+$/.test(s)) return s.length > 6 ? undefined : Number(s);
  const m = /^([一二两三四五六七八九])?(十)?([一二三四五六七八九])?$/.exec(s);
  if (!m || s === "") return undefined;
  if (!m[2]) return m[3] ? undefined : CN_DIGIT[m[1]!];
  return (m[1] ? CN_DIGIT[m[1]]! : 1) * 10 + (m[3] ? CN_DIGIT[m[3]]! : 0);
}

const WEEKDAY: Record<string, Extract<DeadlineSpec, { kind: "weekday" }>["weekday"]> = {
  一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7,
};

// Every pattern is anchored at the start; an optional glued suffix (内/前/之前/以前/为止) is allowed.
const SUFFIX = "(?:之前|以前|为止|内|前)?";
const FULL_DATE = new RegExp(`^(\\d{4})(?:年\\s*(\\d{1,2})\\s*月\\s*(\\d{1,2})(?!\\d)\\s*[日号]?|[-/.](\\d{1,2})[-/.](\\d{1,2})(?!\\d))${SUFFIX}`);
const MONTH_DAY = new RegExp(`^(\\d{1,2})\\s*月\\s*(\\d{1,2})(?!\\d)\\s*[日号]?${SUFFIX}`);
const DASH_DATE = new RegExp(`^(\\d{1,2})[-/](\\d{1,2})(?![\\d/-])${SUFFIX}`);
// "12.20" as officers type dates; not "3.5天" (a count) nor "1.5万" (an amount).
const DOT_DATE = new RegExp(`^(\\d{1,2})\\.(\\d{1,2})(?![\\d.]|(?:个|天|日(?!期)|工作日|万|元|吨|米|%))${SUFFIX}`);
const MONTH_END = new RegExp(`^(本月底|本月末|这个月底|月底|月末|下月底|下月末|下个月底|下个月末)${SUFFIX}`);
// "20号", "本月20日", "下月10号", "下个月10号": a day of a month named relative to today.
const MONTH_DAY_REL = new RegExp(`^(本月|这个月|下月|下个月)?\\s*(\\d{1,2})\\s*(?:号|日(?!内))(?!\\d)${SUFFIX}`);
const WEEK = new RegExp(`^(本周|这周|本星期|这星期|这个星期|下周|下星期|下个星期|下礼拜|周|星期|礼拜)([一二三四五六日天1-7])${SUFFIX}`);
const DAYS = new RegExp(`^(\\d{1,6}|[一二两三四五六七八九十]{1,3})\\s*(?:个)?\\s*(工作日|自然日|天|日(?=内))${SUFFIX}`);
/** Date-shaped text that failed validation, reported as BAD_DEADLINE rather than ignored. */
const DATE_SHAPED = /^(\d+\s*年\s*)?\d+\s*月\s*\d+\s*[日号]?|^\d+[-/]\d+([-/]\d+)?|^\d{1,2}\.\d{1,2}(?![\d.])/;

function daysIn(month: number, year?: number): number {
  if (month === 2) return year === undefined || (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function dateSpec(year: number | undefined, month: number, day: number): DeadlineSpec | undefined {
  if (year !== undefined && (year < 2000 || year > 2099)) return undefined;
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year)) return undefined;
  return year === undefined ? { kind: "date", month, day } : { kind: "date", year, month, day };
}

/** Parses a deadline at the start of an already-normalised text; returns the text after it. */
export function parseDeadlinePrefix(text: string): DeadlinePrefix {
  const s = text.trimStart();
  const done = (spec: DeadlineSpec | undefined, len: number): DeadlinePrefix =>
    spec ? { ok: true, spec, rest: s.slice(len).trim() } : { ok: false, text: s.slice(0, len) };
  let m = FULL_DATE.exec(s);
  if (m) return done(dateSpec(Number(m[1]), Number(m[2] ?? m[4]), Number(m[3] ?? m[5])), m[0].length);
  if ((m = MONTH_DAY.exec(s))) return done(dateSpec(undefined, Number(m[1]), Number(m[2])), m[0].length);
  if ((m = DASH_DATE.exec(s) ?? DOT_DATE.exec(s))) return done(dateSpec(undefined, Number(m[1]), Number(m[2])), m[0].length);
  if ((m = MONTH_END.exec(s))) return done({ kind: "month_end", monthOffset: m[1].startsWith("下") ? 1 : 0 }, m[0].length);
  if ((m = MONTH_DAY_REL.exec(s))) {
    const day = Number(m[2]);
    const monthOffset = m[1] ? (m[1].startsWith("下") ? 1 : 0) : undefined;
    return done(day >= 1 && day <= 31 ? (monthOffset === undefined ? { kind: "month_day", day } : { kind: "month_day", day, monthOffset }) : undefined, m[0].length);
  }
  if ((m = WEEK.exec(s))) {
    const weekOffset = m[1].startsWith("下") ? 1 : 0;
    return done({ kind: "weekday", weekday: WEEKDAY[m[2]]!, weekOffset }, m[0].length);
  }
  if ((m = DAYS.exec(s))) {
    const n = parseCount(m[1]);
    const spec: DeadlineSpec | undefined =
      n !== undefined && n >= 1 && n <= 999 ? { kind: "days", n, working: m[2] === "工作日" } : undefined;
    return done(spec, m[0].length);
  }
  const bad = DATE_SHAPED.exec(s);
  if (bad) return { ok: false, text: bad[0] };
  return undefined;
}

/** Parses a whole string as a deadline; undefined when it is not exactly one valid deadline. */
export function parseDeadline(s: string): DeadlineSpec | undefined {
  const r = parseDeadlinePrefix(fold(s));
  return r?.ok && r.rest === "" ? r.spec : undefined;
}

const CN_WEEKDAY = ["", "一", "二", "三", "四", "五", "六", "日"];

/** Canonical text of a deadline, accepted back by `parseDeadline`. */
export function formatDeadline(d: DeadlineSpec): string {
  switch (d.kind) {
    case "date":
      return d.year === undefined ? `${d.month}月${d.day}日` : `${d.year}年${d.month}月${d.day}日`;
    case "weekday":
      return `${d.weekOffset === 1 ? "下周" : "本周"}${CN_WEEKDAY[d.weekday]}`;
    case "days":
      return d.working ? `${d.n}个工作日` : `${d.n}天`;
    case "month_end":
      return d.monthOffset === 1 ? "下月底" : "月底";
    case "month_day":
      return `${d.monthOffset === 1 ? "下月" : d.monthOffset === 0 ? "本月" : ""}${d.day}日`;
  }
}

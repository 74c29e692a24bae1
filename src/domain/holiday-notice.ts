/**
 * The State Council's yearly notice (国务院办公厅关于YYYY年部分节假日安排的通知) parsed into calendar rows.
 * Pure: text in, rows or Chinese errors out. The notice lists one item per holiday, e.g.
 *   "二、春节：2月6日（农历除夕、周六）至13日（周六）放假调休，共8天。2月14日（周日）上班。"
 *   "一、元旦：1月1日（周三）放假1天，不调休。"   "三、清明节：4月4日放假，与周末连休。"
 * Weekday notes in brackets are checked against the date, which catches a wrong year before it is saved.
 */
import { addCalendarDays, formatYmd, isValidDate, weekdayOf, type CalendarRow } from "./calendar.js";

export type NoticeItem = { name: string; holidays: string[]; workdays: string[] };
export type ParsedNotice = { year: number; items: NoticeItem[]; rows: CalendarRow[] };
export type NoticeResult = { ok: true; notice: ParsedNotice } | { ok: false; errors: string[] };

const ITEM = /(?:^|[\s。])([一二三四五六七八九十]+)、\s*([^：:\n]{1,20})[：:]/g;
const CN_WEEKDAY: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7 };
/** A date, optionally with year and month, and its bracketed note (（周五） or （农历除夕、周六）). */
const DATE = /(?:(\d{4})\s*年\s*)?(?:(\d{1,2})\s*月\s*)?(\d{1,2})\s*日\s*(?:[（(]([^）)]*)[）)])?/g;

type Found = { ymd: string; note?: string; text: string };

/** The year the notice is about: "关于2027年部分节假日安排" or, failing that, the given one. */
export function noticeYear(text: string): number | undefined {
  const m = /(\d{4})\s*年\s*(?:部分)?节假日安排/.exec(text);
  return m ? Number(m[1]) : undefined;
}

function toHalfWidth(s: string): string {
  return s.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).replace(/\r\n?/g, "\n");
}

/** Dates in one sentence; a date without a month takes the previous date's (至23日 after 2月15日). */
function datesIn(sentence: string, year: number, errors: string[], where: string): Found[] {
  const out: Found[] = [];
  let month: number | undefined;
  let y = year;
  for (const m of sentence.matchAll(DATE)) {
    if (m[1]) y = Number(m[1]);
    if (m[2]) month = Number(m[2]);
    const day = Number(m[3]);
    if (month === undefined) {
      errors.push(`${where}：「${m[0]}」缺少月份。`);
      continue;
    }
    if (!isValidDate(y, month, day)) {
      errors.push(`${where}：${y}年${month}月没有${day}日。`);
      continue;
    }
    const ymd = formatYmd(y, month, day);
    const wd = m[4] && /(?:周|星期)([一二三四五六日天])/.exec(m[4]);
    if (wd && CN_WEEKDAY[wd[1]] !== weekdayOf(ymd)) {
      errors.push(`${where}：${y}年${month}月${day}日不是星期${wd[1]}，请核对年份和日期。`);
    }
    out.push({ ymd, note: m[4], text: m[0] });
  }
  return out;
}

/** Every day from a to b inclusive. */
function span(a: string, b: string): string[] {
  const days: string[] = [];
  for (let d = a; d <= b && days.length < 40; d = addCalendarDays(d, 1)) days.push(d);
  return days;
}

function parseItem(name: string, body: string, year: number, errors: string[]): NoticeItem {
  const item: NoticeItem = { name, holidays: [], workdays: [] };
  for (const raw of body.split(/[。；;\n]/)) {
    const s = raw.trim();
    if (!s) continue;
    if (s.includes("上班")) {
      // "1月26日（周日）、2月8日（周六）上班" — every date in the sentence is a make-up working day.
      const found = datesIn(s, year, errors, name);
      if (!found.length) errors.push(`${name}：「${s}」中没有找到上班日期。`);
      item.workdays.push(...found.map((f) => f.ymd));
    } else if (s.includes("放假")) {
      const head = s.slice(0, s.indexOf("放假"));
      const found = datesIn(head, year, errors, name);
      if (!found.length) {
        errors.push(`${name}：「${s}」中没有找到放假日期。`);
        continue;
      }
      const [first, last] = [found[0], found[found.length - 1]];
      if (found.length > 2 || (found.length === 2 && !/至|—|-|~/.test(head))) errors.push(`${name}：无法理解「${s}」中的日期范围。`);
      if (last.ymd < first.ymd) {
        errors.push(`${name}：放假结束日早于开始日。`);
        continue;
      }
      const days = span(first.ymd, last.ymd);
      // "共8天" / "放假1天" must agree with the range; a mismatch usually means a mistyped date.
      const total = /共\s*(\d+)\s*天/.exec(s) ?? /放假\s*(\d+)\s*天/.exec(s);
      if (total && Number(total[1]) !== days.length) errors.push(`${name}：日期范围是 ${days.length} 天，通知写的是共 ${total[1]} 天。`);
      item.holidays.push(...days);
    }
  }
  if (!item.holidays.length && !item.workdays.length) errors.push(`${name}：没有找到放假或上班日期。`);
  return item;
}

/**
 * Parse the 放假调休安排 items of a notice. `fallbackYear` is used when the text has no "YYYY年部分节假日安排"
 * title (an admin may paste just the items). Errors are Chinese, one per problem, and nothing is returned then.
 */
export function parseHolidayNotice(input: string, fallbackYear?: number): NoticeResult {
  const text = toHalfWidth(input ?? "");
  if (!text.trim()) return { ok: false, errors: ["请粘贴国务院办公厅节假日安排通知的正文。"] };
  if (text.length > 20_000) return { ok: false, errors: ["通知正文过长（不超过 2 万字）。"] };
  const year = noticeYear(text) ?? fallbackYear;
  if (!year || year < 2004 || year > 2100) return { ok: false, errors: ["无法确定年份：请包含通知标题（如「关于2027年部分节假日安排的通知」）或选择年份。"] };
  const heads = [...text.matchAll(ITEM)];
  if (!heads.length) return { ok: false, errors: ["没有找到「一、元旦：……」这样的放假安排条目。"] };
  const errors: string[] = [];
  const items: NoticeItem[] = [];
  heads.forEach((h, i) => {
    const start = (h.index ?? 0) + h[0].length;
    const end = i + 1 < heads.length ? heads[i + 1].index : text.length;
    // The items end where the notice's closing paragraph begins ("节假日期间，各地区、各部门要……").
    const body = text.slice(start, end).split(/\n\s*\n|节假日期间/)[0];
    items.push(parseItem(h[2].trim(), body, year, errors));
  });
  const rows = new Map<string, CalendarRow>();
  for (const it of items) {
    for (const d of it.holidays) rows.set(d, { date: d, kind: "holiday", name: it.name });
  }
  for (const it of items) {
    for (const d of it.workdays) {
      if (rows.get(d)?.kind === "holiday") errors.push(`${it.name}：${d} 既是放假日又是上班日。`);
      rows.set(d, { date: d, kind: "workday", name: it.name });
    }
  }
  if (![...rows.keys()].some((d) => d.startsWith(`${year}-`))) errors.push(`没有找到 ${year} 年的日期。`);
  if (errors.length) return { ok: false, errors: [...new Set(errors)] };
  const sorted = [...rows.values()].sort((a, b) => (a.date < b.date ? -1 : 1));
  return { ok: true, notice: { year, items, rows: sorted } };
}

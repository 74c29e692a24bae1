/** Cell values of a hand-over list as the inspection team writes them: dates, yes/no, types, batch labels. */
import { POLLUTION_TYPES } from "../db/schema.js";
import { formatYmd, isValidDate } from "../domain/calendar.js";
import type { Cell } from "./read.js";

const FULL_WIDTH = /[\uFF01-\uFF5E]/g;
/** Cell as trimmed text ("" for empty); date cells become YYYY-MM-DD. Free text keeps its punctuation. */
export function cellText(v: Cell | undefined): string {
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? "" : v.toISOString().slice(0, 10);
  return String(v).replace(/^[\s\u3000]+|[\s\u3000]+$/g, "");
}

/** Codes, dates and yes/no as half-width text: "Ｄ３" → "D3", "２０２６－１２－３１" → "2026-12-31". */
export function halfWidth(s: string): string {
  return s.replace(FULL_WIDTH, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0)).replace(/\u3000/g, " ").trim();
}

/** A full date in the text (2025-05-28, 2025/5/28, 2025.5.28, 2025年5月28日, 20250528, Excel serial 45805), or undefined. */
export function findDate(s: string): string | undefined {
  // A date cell saved without a date format arrives as its Excel serial number (days since 1899-12-30).
  if (/^\d{5}(\.\d+)?$/.test(s) && Number(s) > 20_000 && Number(s) < 80_000) return new Date(Date.UTC(1899, 11, 30) + Math.floor(Number(s)) * 86_400_000).toISOString().slice(0, 10);
  const m = /(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})/.exec(s) ?? /(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)/.exec(s);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return isValidDate(y, mo, d) ? formatYmd(y, mo, d) : undefined;
}

/** "6月30日" without a year: the first such day on or after `after` (YYYY-MM-DD). */
export function monthDayAfter(s: string, after: string): string | undefined {
  const m = /(\d{1,2})\s*月\s*(\d{1,2})\s*日?/.exec(s);
  if (!m) return undefined;
  const [mo, d] = [Number(m[1]), Number(m[2])];
  let y = Number(after.slice(0, 4));
  if (formatYmd(y, mo, d) < after) y++;
  return isValidDate(y, mo, d) ? formatYmd(y, mo, d) : undefined;
}

const CN_DIGITS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9, 十: 10 };
/** "第三批" / "第12批" → 3 / 12. */
export function batchOrdinal(s: string): number | undefined {
  const m = /第\s*([0-9]+|[一二三四五六七八九十]{1,3})\s*批/.exec(s);
  if (!m) return undefined;
  if (/^\d+$/.test(m[1])) return Number(m[1]);
  const t = m[1];
  if (t.length === 1) return CN_DIGITS[t];
  if (t[0] === "十") return 10 + (CN_DIGITS[t[1]] ?? 0);
  return (CN_DIGITS[t[0]] ?? 0) * 10 + (t[2] ? CN_DIGITS[t[2]] : t[1] === "十" ? 0 : (CN_DIGITS[t[1]] ?? 0));
}

const TYPE_SYNONYMS: Record<string, string> = { 噪音: "噪声", 其它: "其他", 空气: "大气", 废气: "大气", 生态破坏: "生态", 生态环境: "生态", 电磁: "辐射" };
/** Words the lists use for a type, checked in order when the value is not a type name itself. */
const TYPE_WORDS: [RegExp, string][] = [
  [/噪/, "噪声"],
  [/大气|空气|废气|扬尘|粉尘|油烟|烟尘|臭|异味|气味|烟/, "大气"],
  [/辐射|电磁/, "辐射"],
  [/海洋|海域/, "海洋"],
  [/土壤/, "土壤"],
  [/生态|植被|林地|湿地/, "生态"],
  [/水/, "水"],
  [/固废|固体废物|危废|危险废物|垃圾|废物|其他|其它/, "其他"],
];

/** "大气、噪声" / "水污染,土壤" / "扬尘" → canonical types; words we cannot place are returned separately. */
export function pollutionTypes(s: string): { types: string[]; unknown: string[] } {
  const types: string[] = [];
  const unknown: string[] = [];
  for (const raw of s.split(/[、,，;；/\s]+/).filter(Boolean)) {
    const word = raw.replace(/(污染|问题|类)$/, "");
    const t = (POLLUTION_TYPES as readonly string[]).includes(word) ? word : (TYPE_SYNONYMS[word] ?? TYPE_WORDS.find(([re]) => re.test(word))?.[1]);
    if (!t) unknown.push(raw);
    else if (!types.includes(t)) types.push(t);
  }
  return { types, unknown };
}

/** 重点关注 column: yes / no / unreadable. */
export function yesNo(s: string): boolean | undefined {
  if (s === "") return false;
  if (/^(是|√|✓|✔|y|yes|true|1|重点|重点关注|★)$/i.test(s)) return true;
  if (/^(否|×|✗|n|no|false|0|无|-|—|\/)$/i.test(s)) return false;
  return undefined;
}

/** 来电/来信 column, or the 受理编号's letter (D… 来电, X… 来信) when the column is empty. */
export function channelOf(s: string, externalNo: string): "来电" | "来信" | undefined | null {
  if (/^(来电|电|电话.*|.*热线|12345|12369)$/.test(s)) return "来电";
  if (/^(来信.*|信|信件|信访|来访|网络.*|网上.*|邮件|微信|.*平台)$/.test(s)) return "来信";
  if (s !== "") return null; // written but unreadable
  // Inspection numbers start with the channel: D3SX2025… = 来电 (电话), X3SX2025… = 来信.
  if (/^D\d/.test(externalNo)) return "来电";
  if (/^X\d/.test(externalNo)) return "来信";
  return undefined;
}

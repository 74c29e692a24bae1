/**
 * Personal data never leaves in a group message, a title or the audit log in full (R39, PIPL Art. 51).
 *
 * Numbers are found the way people type them: digits in groups joined by spaces, dashes or dots, full-width
 * digits and separators (folded before matching, so positions stay the same), `+86`/`0086`/`86` before a
 * mobile or a landline, `(028)` before a landline, a trailing x/X on an ID number. A digit run is split into its
 * groups and, from each group, the best stretch of whole groups that forms a number is taken (an ID before a
 * phone before a card-like run; the longer at equal rank); groups inside a stretch are 3+ digits, so dates
 * (2026-12-20, 12.20) and times never join a number. Digits next to a "*" are left alone: masking is idempotent.
 * - mobile: 3 + 4 digits kept (138****5678, 138-****-5678; separators stay as written);
 * - landline: area code and last 4 kept (028-****4321); a bare 7–8 digit number only after 电话/座机/联系方式;
 * - ID numbers (15/18) and bank cards (16–19 digits), and any other 15–19 digit number: last 4 kept;
 * - names (pii-names.ts): surname kept (李*, 王**).
 * Left alone: digits glued to Latin letters, which are codes (受理编号 SC2026120300123, D3SX…) unless the letters
 * are a phone label (tel, QQ); case numbers (#81), dates, times, amounts (罚款5000元), house numbers (88号);
 * long numbers right after 编号/单号/案号/文号 — an all-digit 受理编号 stays readable (a mobile never does).
 */
import { findNames, maskName, nameEndingAt, surnameAt } from "./pii-names.js";

export type PiiKind = "mobile" | "landline" | "id" | "card" | "name";
export type PiiSpan = { kind: PiiKind; start: number; end: number; masked: string };

/** Same length as the input: full-width digits, letters X and separators folded to ASCII, dashes to "-". */
function fold(s: string): string {
  return s.replace(/[\uFF10-\uFF19\uFF38\uFF58\uFF0B\uFF0D\uFF0E\uFF08\uFF09]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[\u2010-\u2015\u2212\uFE63]/g, "-").replace(/[\u3000\u00A0]/g, " ");
}

const isDigit = (c: string) => c >= "0" && c <= "9";
const isLatin = (c: string) => /[A-Za-z]/.test(c);
/** A separator between two digit groups of one number. */
const SEP = /(?:[ \t]*[-.][ \t]*|[ \t]{1,2}|\)[ \t]*-?[ \t]*)(?=\d)/y; // sticky: tried right after a group
const PHONE_LABEL = /(?:tel|phone|mobile|mob|qq|wx|vx)[:.]?\s?$/i;
const LOCAL_LABEL = /(?:电话|座机|联系方式|号码|tel)[:：\s]{0,2}$/i;
const CODE_LABEL = /(?:编号|单号|案号|文号|批次)[:：\s]{0,2}$/;
const ID18 = /^[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]$/;
const ID15 = /^[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}$/;

type Group = { start: number; end: number }; // digits only, [start, end)
const groupLen = (g: Group) => g.end - g.start;
/** A number's kind, rank (ID > phone > card-like run > bare local number) and the digits shown: head and last 4. */
type Num = { kind: Exclude<PiiKind, "name">; rank: number; head: number };
// Shared results, no closures per call: the logger runs every line through here.
const ID: Num = { kind: "id", rank: 3, head: 0 };
const CARD: Num = { kind: "card", rank: 1, head: 0 };
const LOCAL: Num = { kind: "landline", rank: 0, head: 0 };
const MOBILE = [0, 2, 4].map((p): Num => ({ kind: "mobile", rank: 2, head: p + 3 })); // by prefix: none, 86, 0086
const LANDLINES = new Map<number, Num>();
const landline = (head: number) => LANDLINES.get(head) ?? LANDLINES.set(head, { kind: "landline", rank: 2, head }).get(head)!;

/** What a digit string is; `cardLike`: its groups could be one long number (all but the last 4+ digits). */
function classify(d: string, before: string, cardLike: boolean): Num | undefined {
  if (d.length < 7) return undefined;
  if (ID18.test(d) || ID15.test(d)) return ID;
  const mob = /^(0086|86)?1[3-9]\d{9}$/.exec(d);
  if (mob) return MOBILE[(mob[1]?.length ?? 0) / 2];
  // 028-8765 4321, or from abroad +86 28 8765 4321 (area code without its 0).
  const land = /^(?:0|0086|86)([12]\d|[3-9]\d\d)(\d{7,8})$/.exec(d);
  if (land) return landline(d.length - land[2].length);
  // Bank cards (16–19 digits) and IDs that fail the date check; all-digit codes after 编号 stay readable.
  if (/^[1-9]\d{14,18}$/.test(d) && cardLike && !CODE_LABEL.test(before)) return CARD;
  if ((d.length === 7 || d.length === 8) && LOCAL_LABEL.test(before)) return LOCAL;
  return undefined;
}

/** The numbers in one run of digit groups: from each group, the best stretch of whole groups that is one. */
function numbersIn(folded: string, groups: Group[], x: boolean, out: PiiSpan[], text: string): void {
  for (let a = 0; a < groups.length; a++) {
    let best: { b: number; num: Num; d: string } | undefined;
    let d = "";
    let cardLike = true; // every group before b has 4+ digits
    const before = folded.slice(Math.max(0, groups[a].start - 8), groups[a].start);
    const country = /^(?:0086|86)$/.test(folded.slice(groups[a].start, groups[a].end)); // "+86 28 …": a 2-digit area code
    for (let b = a; b < groups.length; b++) {
      if (b > a + 1 && groupLen(groups[b - 1]) < 3 && !(country && b === a + 2)) break; // a short inner group: a date, not a number
      if (b > a) cardLike &&= groupLen(groups[b - 1]) >= 4;
      d += folded.slice(groups[b].start, groups[b].end);
      if (d.length > 19) break;
      const last = x && b === groups.length - 1 && d.length === 17;
      const num = classify(last ? d + "X" : d, before, cardLike);
      if (num && (!best || num.rank >= best.num.rank)) best = { b, num, d: last ? d + "X" : d };
    }
    if (!best) continue;
    // "(028)8765…": the bracket opening the area code goes with the number.
    const start = groups[a].start - (folded[groups[a].start - 1] === "(" && folded[groups[a].end] === ")" && best.b > a ? 1 : 0);
    const end = groups[best.b].end + (best.d.endsWith("X") ? 1 : 0);
    let k = 0;
    let masked = "";
    for (let i = start; i < end; i++) {
      const isNum = isDigit(folded[i]) || i === groups[best.b].end; // the digits, and a check letter X
      const hidden = isNum && k >= best.num.head && k < best.d.length - 4;
      if (isNum) k++;
      masked += hidden ? "*" : text[i];
    }
    out.push({ kind: best.num.kind, start, end, masked });
    a = best.b;
  }
}

function findNumbers(text: string, folded: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  const next = /\d/g;
  for (let m = next.exec(folded); m; m = next.exec(folded)) {
    const i = m.index;
    const groups: Group[] = [];
    let digits = 0;
    let j = i;
    for (;;) {
      const g = j;
      while (j < folded.length && isDigit(folded[j])) j++;
      groups.push({ start: g, end: j });
      digits += j - g;
      SEP.lastIndex = j;
      if (!SEP.test(folded)) break;
      j = SEP.lastIndex;
    }
    const x = /[Xx]/.test(folded.charAt(j)) && !/[A-Za-z0-9]/.test(folded.charAt(j + 1));
    next.lastIndex = j + (x ? 1 : 0);
    if (digits < 7) continue; // the shortest number here is a 7-digit local one
    const after = x ? folded.charAt(j + 1) : folded.charAt(j);
    const before = folded.slice(Math.max(0, i - 12), i);
    // Digits glued to letters are part of a code, unless the letters say "phone".
    const code = (isLatin(before.slice(-1)) && !PHONE_LABEL.test(before)) || (isLatin(after) && !x);
    // Digits next to "*" are what is left of a masked number: masking again must change nothing.
    const masked = /\*[ \t.-]*$/.test(before) || /^[Xx]?[ \t.-]*\*/.test(folded.slice(j, j + 6));
    if (!code && !masked) numbersIn(folded, groups, x, out, text);
  }
  return out;
}

/**
 * What any finding needs: a group of 3+ digits (every number above has one: a stretch's inner groups are 3+ digits,
 * the shortest is a 7-digit run) or a word a name stands next to (MARKER and the honorifics in pii-names.ts).
 * Most lines of a digest or a reply have neither, and skip the folding and scanning (a morning at city scale masks
 * hundreds of messages).
 */
export const MAYBE_PII = /[0-9\uFF10-\uFF19]{3}|人|群众|先生|女士|同志|师傅/;

/** Every personal number and name in `text`, in order, not overlapping. */
export const findPii = (text: string): PiiSpan[] => (MAYBE_PII.test(text) ? scanPii(text) : []);

/** findPii without the quick test (exported for the test that the quick test never skips a finding). */
export function scanPii(text: string): PiiSpan[] {
  const folded = fold(text);
  const nums = findNumbers(text, folded);
  const spans: PiiSpan[] = [...nums];
  for (const n of findNames(text)) spans.push({ kind: "name", start: n.start, end: n.end, masked: maskName(text, n) });
  // A name written right before a phone number: 李四138-1234-5678, 王小明 13812345678.
  for (const p of nums) {
    if (p.kind !== "mobile" && p.kind !== "landline") continue;
    let e = p.start;
    if (folded[e - 1] === "+") e--;
    while (e > 0 && /[\s:：]/.test(text[e - 1]) && p.start - e < 2) e--;
    const n = nameEndingAt(text, e);
    if (n) spans.push({ kind: "name", start: n.start, end: n.end, masked: maskName(text, n) });
  }
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: PiiSpan[] = [];
  for (const s of spans) if (s.start >= (kept.at(-1)?.end ?? 0)) kept.push(s); // sorted: only the last kept can overlap
  return kept;
}

function rewrite(text: string, spans: PiiSpan[], piece: (s: PiiSpan) => string): string {
  let out = "";
  let at = 0;
  for (const s of spans) {
    out += text.slice(at, s.start) + piece(s);
    at = s.end;
  }
  return out + text.slice(at);
}

/** The text with every personal number and name masked (R39). */
export function maskPii(text: string): string {
  const spans = findPii(text);
  return spans.length ? rewrite(text, spans, (s) => s.masked) : text;
}

const LABEL = /(?:联系电话|联系方式|手机号码|手机号|手机|电话号码|电话|座机|身份证号码|身份证号|身份证|银行卡号|银行卡|卡号|号码)[:：\s]*$/;

/**
 * The text without its personal details, for a case title (R40(a): a neutral summary, no identifiers even
 * masked): numbers go with their label (电话…), names keep nothing, emptied brackets and doubled commas go too.
 * `known`: names from the case record (the complainant field), removed wherever they stand.
 */
export function stripPii(input: string, known: string[] = []): string {
  let text = input;
  for (const name of known) if (Array.from(name).length >= 2) text = text.replaceAll(name, "");
  const spans = findPii(text);
  if (!spans.length && text === input) return text;
  let out = "";
  let at = 0;
  for (const s of spans) {
    let chunk = text.slice(at, s.start);
    if (s.kind !== "name") chunk = chunk.replace(LABEL, "").replace(/[+＋]\s*$/, "");
    out += chunk;
    at = s.end;
  }
  out += text.slice(at);
  for (let prev = ""; prev !== out; ) {
    prev = out;
    out = out
      .replace(/[（(][\s,，、；;:：]*[）)]/g, "")
      .replace(/([（(])[\s,，、]+/g, "$1")
      .replace(/[\s,，、]+([）)])/g, "$1")
      .replace(/([,，、；;])[\s,，、；;]+/g, "$1");
  }
  return out.replace(/^[\s,，、；;:：]+|[\s,，、；;:：]+$/g, "");
}

/** The name in a complainant field ("李四 13812345678", "王女士 028-…"): its words without digits. */
export const complainantNames = (complainant: string | null | undefined): string[] =>
  (complainant ?? "").split(/[\s,，;；、]+/).filter((w) => w !== "" && !/\d/.test(w) && w !== "匿名");

/** `text` with each of `names` (known from the case record) masked wherever it stands: 赵小红 → 赵** (R39). */
export function maskKnownNames(text: string, names: string[]): string {
  let out = text;
  for (const name of names) {
    const n = Array.from(name);
    if (n.length < 2) continue;
    const sl = surnameAt(name, 0) || 1;
    out = out.replaceAll(name, n.slice(0, sl).join("") + "*".repeat(n.length - sl));
  }
  return out;
}

/** Every string inside a JSON-like value masked (R39): the audit log's free text, e.g. a denied command's words. */
export function maskDeep<T>(value: T): T {
  if (typeof value === "string") return maskPii(value) as T;
  if (Array.isArray(value)) return value.map(maskDeep) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v)])) as T;
  }
  return value;
}

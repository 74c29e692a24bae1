/**
 * Hand-over list → validated case rows, with per-row errors in Chinese. Pure (no I/O): the dashboard, the
 * CLI and the tests call it with the units, the calendar and the clock. Nothing here writes.
 */
import * as z from "zod/v4"; // a namespace import lets the bundler drop what we do not use (Worker size)
import { POLLUTION_TYPES } from "../db/schema.js";
import { addWorkingDays, endOfDate, localDate, resolveDeadline, zonedTimeToUtc, type Calendar } from "../domain/calendar.js";
import { matchUnit, type UnitLike } from "../domain/match-unit.js";
import { parseDeadline } from "../domain/deadline-text.js";
import { complainantNames, stripPii } from "../domain/pii.js";
import { titleOf } from "../domain/title.js";
import { COLUMNS, findHeader, type ColumnKey } from "./headers.js";
import type { Cell, Sheet } from "./read.js";
import { batchOrdinal, cellText, channelOf, findDate, halfWidth, monthDayAfter, pollutionTypes, yesNo } from "./values.js";

export const MAX_IMPORT_ROWS = 5000;
/** 办理时限「立行立改」: this many working days from the batch date. */
export const IMMEDIATE_WORKING_DAYS = 5;

export type ImportContext = {
  units: (UnitLike & { active: boolean })[];
  calendar: Calendar;
  now: number;
  source: string; // 中央督察, 省督察 … (chosen on the import form)
  defaultDueWorkingDays: number;
};

export type ImportRow = {
  line: number; // row number in the spreadsheet, 1-based
  seq: string;
  externalNo: string;
  content: string;
  title: string;
  area: string | null;
  address: string | null;
  complainant: string | null; // 来电人 + 联系方式, e.g. "李四 13812345678" (R40)
  types: string[];
  channel: "来电" | "来信" | null;
  focus: boolean;
  batch: { name: string; receivedOn: string };
  leadUnitId: number | null;
  coUnitIds: number[];
  dueAt: number;
};
export type RowIssue = { line: number; column: string; message: string };
export type ImportPlan = {
  sheet: string;
  headerLine: number;
  columns: { key: ColumnKey; label: string; header: string }[];
  missing: string[]; // expected columns not found (their values stay empty)
  rows: ImportRow[];
  errors: RowIssue[];
};

const NO_RE = /^[A-Z0-9][A-Z0-9_-]{3,39}$/;
type Raw = Record<ColumnKey, string>;
/** Columns read as codes (full-width digits and letters folded); the others keep the text as written. */
const CODE_COLUMNS: ColumnKey[] = ["seq", "externalNo", "types", "channel", "focus", "batch", "due"];

function rowSchema(ctx: ImportContext) {
  const tz = ctx.calendar.timeZone;
  const today = localDate(ctx.now, tz);
  const active = ctx.units.filter((u) => u.active);
  const unitOf = (name: string, c: z.RefinementCtx) => {
    let m = matchUnit(name, active);
    // "金牛区荷花池街道": try again without the district (or city/county) in front.
    const local = /^.{1,8}?[省市区县](.{2,})$/.exec(name)?.[1];
    if (m.kind === "none" && local) m = matchUnit(local, active);
    if (m.kind === "one") return m.unit.id;
    const hint = m.kind === "ambiguous" ? `对应多个单位：${m.candidates.map((u) => u.name).join("、")}，请写全称` : m.suggestions.length ? `是否为：${m.suggestions.map((u) => u.name).join("、")}？` : "请先在「管理 → 单位」中登记";
    c.addIssue({ code: "custom", message: `没有找到单位「${name}」，${hint}` });
    return null;
  };
  const units = (s: string, c: z.RefinementCtx) => s.split(/[、,，;；\s]+/).filter(Boolean).map((n) => unitOf(n, c)).filter((x): x is number => x !== null);
  return z
    .object({
      seq: z.string().max(20, "序号过长"),
      externalNo: z
        .string()
        .transform((s) => s.replace(/\s/g, "").toUpperCase())
        .pipe(z.string().min(1, "受理编号不能为空").regex(NO_RE, "受理编号格式不正确，应为 4–40 位字母和数字，如 D3SX202505280018")),
      content: z.string().min(1, "交办问题基本情况不能为空").max(5000, "交办问题基本情况超过 5000 字"),
      area: z.string().max(60, "行政区域超过 60 字"),
      address: z.string().max(200, "地址超过 200 字"),
      complainant: z.string().max(60, "来电人超过 60 字"),
      contact: z.string().max(60, "联系方式超过 60 字"),
      types: z.string().transform((s, c) => {
        const r = pollutionTypes(s);
        if (r.unknown.length) c.addIssue({ code: "custom", message: `无法识别的污染类型「${r.unknown.join("、")}」，可选：${POLLUTION_TYPES.join("、")}` });
        return r.types;
      }),
      channel: z.string(),
      focus: z.string().transform((s, c) => {
        const v = yesNo(s);
        if (v === undefined) c.addIssue({ code: "custom", message: `「${s}」无法识别，请填写「是」或「否」` });
        return v ?? false;
      }),
      batch: z.string().max(60, "交办日期/批次超过 60 字").transform((s) => {
        const date = findDate(s) ?? monthDayBefore(s, today);
        const n = batchOrdinal(s);
        const name = n && date ? `${ctx.source}第${n}批（${date}）` : n ? `${ctx.source}第${n}批` : date ? `${ctx.source}${date}交办` : s ? `${ctx.source}${s}` : `${ctx.source}${today}导入`;
        return { name, receivedOn: date ?? today };
      }),
      unit: z.string().transform((s, c) => (s ? units(s, c) : [])),
      coUnits: z.string().transform((s, c) => (s ? units(s, c) : [])),
      due: z.string(),
    })
    .transform((r, c) => {
      const channel = channelOf(r.channel, r.externalNo);
      if (channel === null) c.addIssue({ code: "custom", path: ["channel"], message: `「${r.channel}」无法识别，请填写「来电」或「来信」` });
      const dueAt = dueOf(r.due, r.batch.receivedOn, ctx, c);
      const [lead = null, ...co] = r.unit;
      return {
        seq: r.seq,
        externalNo: r.externalNo,
        content: r.content,
        title: titleOf(stripPii(r.content, complainantNames(r.complainant))) || "交办问题", // no names or numbers in a title (R39, R40(a))
        area: r.area || null,
        address: r.address || null,
        complainant: [r.complainant, r.contact].filter(Boolean).join(" ") || null,
        types: r.types,
        channel: channel ?? null,
        focus: r.focus,
        batch: r.batch,
        leadUnitId: lead,
        coUnitIds: [...new Set([...co, ...r.coUnits])].filter((id) => id !== lead),
        dueAt,
      };
    });
}

/** "5月28日" in the batch column: the most recent such day on or before today. */
function monthDayBefore(s: string, today: string): string | undefined {
  return monthDayAfter(s, `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`);
}

/** 办理时限: a date (any year, past dates allowed for old lists), "6月30日", "15个工作日" from the batch date, or the policy default. */
function dueOf(s: string, receivedOn: string, ctx: ImportContext, c: z.RefinementCtx): number {
  const tz = ctx.calendar.timeZone;
  const from = Math.min(zonedTimeToUtc(receivedOn, 9, 0, 0, 0, tz), ctx.now);
  if (!s) return addWorkingDays(ctx.calendar, from, ctx.defaultDueWorkingDays);
  const date = findDate(s) ?? monthDayAfter(s, receivedOn);
  if (date) return endOfDate(date, tz);
  // Words the lists use instead of a date: 立行立改 (at once) and 长期坚持 (ongoing: the policy default).
  if (/立行立改|立即|马上/.test(s)) return addWorkingDays(ctx.calendar, from, IMMEDIATE_WORKING_DAYS);
  if (/长期|持续|常态/.test(s)) return addWorkingDays(ctx.calendar, from, ctx.defaultDueWorkingDays);
  const spec = parseDeadline(s);
  const r = spec && spec.kind === "days" ? resolveDeadline(spec, from, ctx.calendar) : undefined;
  if (typeof r === "number") return r;
  c.addIssue({ code: "custom", path: ["due"], message: `「${s}」无法识别，请填写日期（如 2025-06-30）或「15个工作日」` });
  return 0;
}

/** Validate a hand-over list. The first sheet with a recognisable header row is used. */
export function planImport(sheets: Sheet[], ctx: ImportContext): ImportPlan | { error: string } {
  const sheet = sheets.find((s) => findHeader(s.rows));
  const header = sheet && findHeader(sheet.rows);
  if (!sheet || !header) {
    return { error: `没有找到表头：表格前 15 行中应有「${COLUMNS.externalNo.label}」和「${COLUMNS.content.label}」两列（列的顺序不限）。` };
  }
  const keys = Object.keys(COLUMNS) as ColumnKey[];
  const headRow = sheet.rows[header.line - 1];
  const columns = keys.filter((k) => header.index[k] !== undefined).map((k) => ({ key: k, label: COLUMNS[k].label, header: String(headRow[header.index[k]!]).trim() }));
  const missing = keys.filter((k) => COLUMNS[k].expected && header.index[k] === undefined).map((k) => COLUMNS[k].label);
  const body = sheet.rows.slice(header.line);
  const dataCount = body.filter((r) => r.some((v) => cellText(v) !== "")).length;
  if (dataCount > MAX_IMPORT_ROWS) return { error: `一次最多导入 ${MAX_IMPORT_ROWS} 行，本表有 ${dataCount} 行，请拆分后分批导入。` };
  const schema = rowSchema(ctx);
  const rows: ImportRow[] = [];
  const errors: RowIssue[] = [];
  const seen = new Map<string, number>();
  body.forEach((cells: Cell[], i) => {
    const line = header.line + 1 + i;
    if (!cells.some((v) => cellText(v) !== "")) return;
    const text = (k: ColumnKey) => (header.index[k] === undefined ? "" : cellText(cells[header.index[k]!]));
    const raw = Object.fromEntries(keys.map((k) => [k, CODE_COLUMNS.includes(k) ? halfWidth(text(k)) : text(k)])) as Raw;
    raw.batch = [raw.batch, halfWidth(text("batchMore"))].filter(Boolean).join(" ");
    const r = schema.safeParse(raw);
    if (!r.success) {
      for (const issue of r.error.issues) errors.push({ line, column: COLUMNS[issue.path[0] as ColumnKey]?.label ?? "", message: issue.message });
      return;
    }
    const first = seen.get(r.data.externalNo);
    if (first !== undefined) {
      errors.push({ line, column: COLUMNS.externalNo.label, message: `受理编号 ${r.data.externalNo} 与第 ${first} 行重复` });
      return;
    }
    seen.set(r.data.externalNo, line);
    rows.push({ line, ...r.data });
  });
  return { sheet: sheet.name, headerLine: header.line, columns, missing, rows, errors };
}

/** The chosen sheet as plain text cells (what the preview page posts back to confirm the import). */
export function sheetAsText(sheets: Sheet[]): string[][] {
  const sheet = sheets.find((s) => findHeader(s.rows)) ?? sheets[0];
  return (sheet?.rows ?? []).map((r) => r.map((v) => cellText(v)));
}

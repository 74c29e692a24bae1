/** The hand-over list's columns (spec §5), matched by header text in any order, tolerant of spacing and notes. */
import type { Cell } from "./read.js";

export type ColumnKey = "seq" | "externalNo" | "content" | "area" | "types" | "channel" | "focus" | "batch" | "batchMore" | "unit" | "due" | "address" | "coUnits" | "complainant" | "contact";

const BATCH_NAMES = ["交办日期/批次", "交办日期", "交办批次", "批次", "交办时间"];

/** The label we show, and the header texts (normalised) that mean this column. */
export const COLUMNS: Record<ColumnKey, { label: string; names: string[]; required?: boolean; expected?: boolean }> = {
  seq: { label: "序号", names: ["序号", "序"], expected: true },
  externalNo: { label: "受理编号", names: ["受理编号", "举报编号", "信访编号", "转办编号", "案件编号"], required: true },
  content: { label: "交办问题基本情况", names: ["交办问题基本情况", "问题基本情况", "交办问题", "举报内容", "反映问题", "问题描述", "信访内容"], required: true },
  area: { label: "行政区域", names: ["行政区域", "行政区划", "所属区域", "所在区域", "区域", "所属区县"], expected: true },
  types: { label: "污染类型", names: ["污染类型", "污染类别", "问题类型"], expected: true },
  channel: { label: "来电/来信", names: ["来电/来信", "来电来信", "来电或来信", "举报方式", "来源方式", "举报渠道"], expected: true },
  focus: { label: "重点关注", names: ["重点关注", "是否重点关注", "重点"], expected: true },
  batch: { label: "交办日期/批次", names: BATCH_NAMES, expected: true },
  batchMore: { label: "交办日期/批次", names: BATCH_NAMES }, // a list with both 交办日期 and 批次 columns
  unit: { label: "责任单位", names: ["责任单位", "牵头单位", "承办单位", "责任主体"] },
  due: { label: "办理时限", names: ["办理时限", "办结时限", "整改时限", "完成时限", "时限要求"] },
  address: { label: "地址", names: ["地址", "问题地址", "详细地址", "点位"] },
  coUnits: { label: "配合单位", names: ["配合单位", "协办单位"] },
  // The complainant goes to cases.complainant only, never into a title or a message (R40).
  complainant: { label: "来电人", names: ["来电人", "来信人", "联系人", "举报人", "投诉人", "信访人", "反映人", "来电人姓名", "举报人姓名", "联系人姓名", "投诉人姓名"] },
  contact: { label: "联系方式", names: ["联系方式", "联系电话", "电话", "手机", "手机号码", "来电号码", "来电人电话", "举报人电话", "联系人电话", "举报人联系方式", "来电人联系方式"] },
};

const FULL_WIDTH = /[\uFF01-\uFF5E]/g;

/** Header text as compared: half-width, no spaces, no "*" markers, no notes in brackets. */
export function normalizeHeader(v: Cell): string {
  if (v === null || v === undefined) return "";
  return String(v)
    .replace(FULL_WIDTH, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/[（(][^）)]*[）)]/g, "")
    .replace(/[\s\u3000*＊:：]/g, "")
    .replace(/[、\\|]/g, "/")
    .trim();
}

export type HeaderMap = { line: number; index: Partial<Record<ColumnKey, number>>; unknown: string[] };

function mapRow(row: Cell[]): { index: Partial<Record<ColumnKey, number>>; unknown: string[] } {
  const index: Partial<Record<ColumnKey, number>> = {};
  const unknown: string[] = [];
  row.forEach((cell, i) => {
    const h = normalizeHeader(cell);
    if (!h) return;
    const key = (Object.keys(COLUMNS) as ColumnKey[]).find((k) => index[k] === undefined && COLUMNS[k].names.includes(h));
    if (key) index[key] = i;
    else unknown.push(String(cell).trim());
  });
  return { index, unknown };
}

/** The header row: the row among the first 15 that names the most known columns (title rows above are skipped). */
export function findHeader(rows: Cell[][]): HeaderMap | undefined {
  let best: HeaderMap | undefined;
  let bestCount = 0;
  for (let i = 0; i < Math.min(rows.length, 15); i++) {
    const m = mapRow(rows[i] ?? []);
    const n = Object.keys(m.index).length;
    if (n > bestCount && m.index.externalNo !== undefined && m.index.content !== undefined) {
      best = { line: i + 1, ...m };
      bestCount = n;
    }
  }
  return best;
}

/**
 * The ledger as .xlsx in the public disclosure layout (spec §5) plus our own columns, with write-excel-file's
 * `/universal` entry so the same code runs in Node and workerd.
 */
import writeXlsxFile, { type Cell, type Row } from "write-excel-file/universal";
import type { RoundSummary } from "../../db/case-detail.js";
import type { CaseLinks } from "../../db/case-links.js";
import type { CaseRow, Directory } from "../../db/ledger.js";
import { localDate, workingDaysBetween, type Calendar } from "../../domain/calendar.js";
import { STATE_LABEL } from "../../domain/labels.js";
import { isOverdue } from "../../domain/lifecycle.js";
import { ROUND_REASON_LABEL } from "../../domain/rounds.js";

/** The disclosure layout first (its exact headers), then ours. */
export const EXPORT_HEADERS = [
  "序号", "受理编号", "交办问题基本情况", "行政区域", "污染类型", "调查核实情况", "是否属实", "处理和整改情况", "是否办结", "责任人被处理情况",
  "案件号", "来源", "交办批次", "牵头单位", "配合单位", "责任人", "交办日期", "办理时限", "办结日期", "当前状态", "逾期天数（工作日）",
  "办理轮次", "历次办理", "照片核查", "关联案件",
] as const;

/** 是否办结 as the disclosure list words it. */
export function closedLabel(c: Pick<CaseRow, "state" | "outcome">): "已办结" | "阶段性办结" | "正在办理" {
  if (c.state !== "closed") return "正在办理";
  return c.outcome === "staged" ? "阶段性办结" : "已办结";
}

/** 责任人被处理情况: the accountable party, the action and the fine, then each recorded 问责 outcome (issue 11). */
export function accountabilityText(c: Pick<CaseRow, "accountableParty" | "accountabilityAction" | "penaltyAmount"> & { accountabilityLog?: CaseRow["accountabilityLog"] }): string {
  const fine = c.penaltyAmount ? `罚款${c.penaltyAmount}元` : "";
  const held = (c.accountabilityLog ?? []).map((e) => `问责：${e.text}`);
  return [c.accountableParty, c.accountabilityAction, fine, ...held].filter(Boolean).join("；");
}

/** Working days past due: until now while open, until closure when closed late; 0 otherwise. */
export function overdueDays(c: CaseRow, now: number, cal: Calendar): number {
  if (c.dueAt === null) return 0;
  if (isOverdue(c, now)) return Math.max(0, workingDaysBetween(cal, c.dueAt, now));
  if (c.state === "closed" && c.closedAt !== null && c.closedAt > c.dueAt) return Math.max(0, workingDaysBetween(cal, c.dueAt, c.closedAt));
  return 0;
}

/** `rounds`: each case's ended handling rounds (case_rounds), for the 历次办理 column; absent means none loaded. */
/** `photoChecks`: the 照片核查 text per case (issue 10, src/db/photo-flag-summary.ts); absent means none flagged. */
/** `links`: live 并案 links per case (issue 13, src/db/case-links.ts), for 关联案件; absent means none. */
export type ExportContext = { dir: Directory; calendar: Calendar; now: number; rounds?: Map<number, RoundSummary[]>; photoChecks?: Map<number, string>; links?: Map<number, CaseLinks> };

/** 关联案件: "已并入 #57" for a merged complaint, "#91、#95 并入本案" for the case that holds them (both if both). */
export function linksText(l: CaseLinks | undefined): string {
  if (!l) return "";
  return [l.mergedInto ? `已并入 #${l.mergedInto}` : "", l.merged.length ? `${l.merged.map((id) => `#${id}`).join("、")} 并入本案` : ""].filter(Boolean).join("；");
}

/** 历次办理: one line per ended round with its unit, dates, four items and after-photo count (spec §2.2). */
export function roundsText(rounds: RoundSummary[] | undefined, unit: (id: number | null) => string, day: (ms: number) => string): string {
  return (rounds ?? [])
    .map((r) => {
      const it = r.items as Record<string, string | number | null>;
      const acc = accountabilityText({ accountableParty: it.accountableParty as string | null, accountabilityAction: it.accountabilityAction as string | null, penaltyAmount: it.penaltyAmount as number | null });
      const items = [`核查：${it.verdict ?? "未填写"}`, `整改：${it.rectification ?? "未填写"}`, `责任：${acc || "未填写"}`, `回访：${it.callbackResult ?? "未填写"}`, `整改后照片 ${r.afterPhotos} 张`];
      return `第${r.round}轮（${ROUND_REASON_LABEL[r.reason]}，${unit(r.unitId)}，${day(r.startedAt)}至${day(r.endedAt)}）${items.join("；")}`;
    })
    .join("\n");
}

/** One sheet row per case, cells typed (numbers as numbers, text as text). */
export function ledgerSheet(rows: CaseRow[], x: ExportContext): Row[] {
  const tz = x.calendar.timeZone;
  const unit = (id: number | null) => (id === null ? "" : (x.dir.units.find((u) => u.id === id)?.name ?? ""));
  const batch = (id: number | null) => (id === null ? "" : (x.dir.batches.find((b) => b.id === id) ?? null));
  const day = (ms: number | null) => (ms === null ? "" : localDate(ms, tz));
  const header: Row = EXPORT_HEADERS.map((h) => ({ value: h, fontWeight: "bold", wrap: true }) as Cell);
  const body = rows.map((c, i): Row => {
    const b = batch(c.batchId);
    const cells: (string | number)[] = [
      i + 1,
      c.externalNo ?? "",
      c.content,
      c.area ?? "",
      c.pollutionTypes.join("、"),
      c.finding ?? "",
      c.verdict ?? "",
      c.rectification ?? "",
      closedLabel(c),
      accountabilityText(c),
      c.id,
      c.source,
      b ? b.name : "",
      unit(c.leadUnitId),
      c.coUnitIds.map(unit).filter(Boolean).join("、"),
      c.officerUserId ? (x.dir.names.get(c.officerUserId) ?? c.officerUserId) : "",
      b ? b.receivedOn : day(c.createdAt),
      day(c.dueAt),
      c.state === "closed" ? day(c.closedAt) : "",
      STATE_LABEL[c.state],
      overdueDays(c, x.now, x.calendar),
      c.round,
      roundsText(x.rounds?.get(c.id), unit, day),
      x.photoChecks?.get(c.id) ?? "",
      linksText(x.links?.get(c.id)),
    ];
    return cells.map((v) => (typeof v === "number" ? { value: v, type: Number } : { value: v, type: String, wrap: true }));
  });
  return [header, ...body];
}

const WIDTHS = [6, 20, 50, 10, 10, 40, 8, 40, 10, 30, 8, 10, 22, 14, 18, 10, 12, 12, 12, 10, 10, 8, 60, 40, 20];

/** The .xlsx bytes of the ledger. */
export async function ledgerXlsx(rows: CaseRow[], x: ExportContext): Promise<Uint8Array> {
  const blob = await writeXlsxFile(ledgerSheet(rows, x), { sheet: "督办台账", columns: WIDTHS.map((width) => ({ width })), stickyRowsCount: 1 }).toBlob();
  return new Uint8Array(await blob.arrayBuffer());
}

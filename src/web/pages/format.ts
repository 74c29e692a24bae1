/** Small formatting helpers shared by the dashboard pages (business time zone, Chinese labels). */
import { localDate, localParts } from "../../domain/calendar.js";
import type { Directory } from "../../db/ledger.js";

export const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** "2026-12-01" in the business zone, or "—". */
export const ymd = (ms: number | null | undefined, tz: string) => (ms === null || ms === undefined ? "—" : localDate(ms, tz));

/** "2026-12-01 09:05" in the business zone. */
export function ymdHm(ms: number, tz: string): string {
  const p = localParts(ms, tz);
  return `${localDate(ms, tz)} ${String(p.hour).padStart(2, "0")}:${String(p.minute).padStart(2, "0")}`;
}

export const unitName = (dir: Directory, id: number | null) => (id === null ? "未指定" : (dir.units.find((u) => u.id === id)?.name ?? `单位${id}`));
export const personName = (dir: Directory, userId: string | null) => (userId ? (dir.names.get(userId) ?? userId) : "—");

export const EVENT_LABEL: Record<string, string> = {
  created: "交办", acknowledged: "签收", returned: "退回", reassigned: "改派", officer_assigned: "指派责任人", progress: "报送进展",
  extension_requested: "申请延期", extension_approved: "同意延期", extension_refused: "不同意延期", closure_submitted: "申请办结",
  closure_approved: "审核通过（销号）", closure_rejected: "驳回办结", flagged: "挂牌督办", unflagged: "摘牌", chased: "催办", patrol_ok: "巡查正常",
  rebound: "巡查反弹", cancelled: "撤销", evidence: "上传附件", note: "备注", reminder: "提醒",
};

/** A query string from a record, skipping empty values (for paging and export links). */
export function qs(params: Record<string, string | number | boolean | undefined>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "" && v !== false) u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : "";
}

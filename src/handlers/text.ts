/** The words the bot says: short WeCom-flavoured markdown (bold, <font color>, quotes) for replies and pushes. */
import type { CaseRow, UnitRow } from "./context.js";
import { STATE_LABEL, PRIORITY_LABEL } from "../domain/labels.js";
import { isOverdue } from "../domain/lifecycle.js";
import { localParts } from "../domain/calendar.js";

const WEEKDAY = ["日", "一", "二", "三", "四", "五", "六"];

/** "12月10日(周四)" in the business time zone. */
export function fmtDate(ms: number, tz: string): string {
  const p = localParts(ms, tz); // one cached formatter per zone: building Intl formatters per call showed in profiles
  return `${p.month}月${p.day}日(周${WEEKDAY[p.weekday % 7]})`;
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** "12月10日 18:05" in the business time zone. */
export function fmtDateTime(ms: number, tz: string): string {
  const p = localParts(ms, tz);
  return `${p.month}月${p.day}日 ${pad2(p.hour)}:${pad2(p.minute)}`;
}

export const caseNo = (c: { id: number }) => `#${c.id}`;

const STATE_COLOR: Record<string, string> = { pending_ack: "warning", in_progress: "info", pending_review: "warning", closed: "info", returned: "warning", cancelled: "comment" };

export function stateTag(c: CaseRow, now: number): string {
  const overdue = isOverdue(c, now) ? ' <font color="warning">已逾期</font>' : "";
  return `<font color="${STATE_COLOR[c.state]}">${STATE_LABEL[c.state]}</font>${overdue}`;
}

export function unitName(units: UnitRow[], id: number | null): string {
  return units.find((u) => u.id === id)?.name ?? "未指定";
}

/** The headline card every reply about a case starts with: number, title, state, unit, deadline. */
export function caseCard(c: CaseRow, units: UnitRow[], now: number, tz: string): string {
  const flags = [c.flagged ? "【挂牌督办】" : "", c.priority !== "normal" ? `【${PRIORITY_LABEL[c.priority]}】` : ""].join("");
  const lines = [`**${caseNo(c)} ${flags}${c.title}**`, `状态：${stateTag(c, now)} · 牵头：${unitName(units, c.leadUnitId)}`];
  if (c.dueAt) lines.push(`时限：${fmtDate(c.dueAt, tz)}`);
  return lines.join("\n");
}

/** Quote line for the next step a person should take. */
export const nextStep = (text: string) => `> 下一步：${text}`;

/** A short title from the complaint text: first clause, at most 24 characters. */
export function titleOf(content: string): string {
  const first = content.split(/[。；;\n]/)[0].trim() || content.trim();
  return first.length > 24 ? `${first.slice(0, 24)}…` : first;
}

/** The words the bot says, as neutral content (src/domain/message.ts): each channel renders tones, titles and quotes. */
import type { CaseRow, UnitRow } from "./context.js";
import { info, line, muted, quote, title, warn, type Block, type Span } from "../domain/message.js";
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

const STATE_TONE: Record<string, (t: string) => Span> = { pending_ack: warn, in_progress: info, pending_review: warn, closed: info, returned: warn, cancelled: muted };

/** The state, coloured, and "已逾期" when the case is past its deadline. */
export function stateTag(c: Pick<CaseRow, "state" | "dueAt">, now: number): Span[] {
  const state = STATE_TONE[c.state](STATE_LABEL[c.state]);
  return isOverdue(c, now) ? [state, " ", warn("已逾期")] : [state];
}

export function unitName(units: UnitRow[], id: number | null): string {
  return units.find((u) => u.id === id)?.name ?? "未指定";
}

/** The headline card every reply about a case starts with: number, title, state, unit, deadline. */
export function caseCard(c: CaseRow, units: UnitRow[], now: number, tz: string): Block[] {
  const flags = [c.flagged ? "【挂牌督办】" : "", c.priority !== "normal" ? `【${PRIORITY_LABEL[c.priority]}】` : ""].join("");
  const blocks = [title(`${caseNo(c)} ${flags}${c.title}`), line("状态：", ...stateTag(c, now), ` · 牵头：${unitName(units, c.leadUnitId)}`)];
  if (c.dueAt) blocks.push(line(`时限：${fmtDate(c.dueAt, tz)}`));
  return blocks;
}

/** The next step a person should take, set apart. */
export const nextStep = (text: string): Block => quote(`下一步：${text}`);

/** A hint set apart (a quote block). */
export const hint = (text: string): Block => quote(text);

export { titleOf } from "../domain/title.js";

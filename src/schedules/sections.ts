/** Reminder lines grouped into titled sections, with long lists shortened to case numbers so a message stays readable on a phone. */
import { line, link, muted, strong, type Block, type Span } from "../domain/message.js";
import type { Delivery, JobName, Section } from "./items.js";

/** Section order and titles. */
const TITLES: [Section, string][] = [
  ["overdue", "红灯 · 逾期"],
  ["ack", "待签收超时"],
  ["due_soon", "黄灯 · 即将到期"],
  ["flagged", "挂牌督办"],
  ["patrol", "回头看巡查"],
  ["leader", "逾期升级 · 请包案领导督促"],
  ["accountability", "逾期升级 · 已达问责时限"],
  ["office_patrol", "今日应巡查"],
];

/**
 * The first `lines` rendered in full; the rest by number, so a person can still find each case. Reminder
 * sections name every case they remind (the run budget bounds them); a digest list may stop at `maxNumbers`.
 * `rows` may be the head of a longer list read with a LIMIT; `count` is then the length of the whole list.
 * `all` (a link to the 台账 filtered to these cases, when the dashboard's address is known) ends a shortened list.
 */
export function capped<T>(rows: T[], lines: number, render: (r: T) => Span[], id: (r: T) => number, maxNumbers = Infinity, count = rows.length, all?: Span): Block[] {
  const out = rows.slice(0, lines).map((r) => line(...render(r)));
  const rest = rows.slice(lines);
  const more = Math.max(0, count - Math.min(lines, rows.length));
  if (!more) return out;
  const numbers = rest.slice(0, maxNumbers).map((r) => `#${id(r)}`).join(" ");
  if (all) out.push(line(muted(`${lines ? "另有" : "共"} ${more} 件：${numbers}${more > maxNumbers ? " 等" : ""}（全部见 `), all, muted("）")));
  else out.push(line(muted(`${lines ? "另有" : "共"} ${more} 件：${numbers}${more > maxNumbers ? " 等，详见看板" : ""}`)));
  return out;
}

/** A delivery placed in a message, with the item it came from (for its slot row). */
export type Line = Delivery & { caseId: number; job: JobName; slot: string };

/** The 台账 filter that shows a section's cases (none: the whole 台账). */
const FILTER: Partial<Record<Section, Record<string, string>>> = {
  overdue: { overdue: "1" },
  leader: { overdue: "1" },
  accountability: { overdue: "1" },
  ack: { state: "pending_ack" },
  flagged: { flagged: "1" },
  patrol: { state: "closed" },
  office_patrol: { state: "closed" },
};

/** A link to the 台账 (`ledgerUrl`, ".../dashboard/cases") filtered to a section's cases, within one unit when given. */
export function sectionLink(ledgerUrl: string, section: Section, unitId?: number | null): Span {
  const q = new URLSearchParams({ ...(unitId ? { unit: String(unitId) } : {}), ...FILTER[section] }).toString();
  return link(q ? `${ledgerUrl}?${q}` : ledgerUrl, "督办台 台账");
}

/** The lines of one group, section by section; `all` links a shortened section to the rest of its cases. */
export function renderSections(lines: Line[], perSection: number, all?: (s: Section) => Span): Block[] {
  const out: Block[] = [];
  for (const [section, title] of TITLES) {
    const mine = lines.filter((l) => l.section === section || (section === "patrol" && l.section === "milestone"));
    if (!mine.length) continue;
    out.push(line(strong(title), `（${mine.length}）`), ...capped(mine, perSection, (l) => l.line, (l) => l.caseId, Infinity, mine.length, all?.(section)));
  }
  return out;
}

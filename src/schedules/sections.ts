/** Reminder lines grouped into titled sections, with long lists shortened to case numbers so a message stays readable on a phone. */
import type { Delivery, JobName, Section } from "./items.js";

/** Section order and titles (WeCom markdown colours: info = green, comment = grey, warning = orange-red). */
const TITLES: [Section, string][] = [
  ["overdue", '**<font color="warning">红灯 · 逾期</font>**'],
  ["ack", '**<font color="warning">待签收超时</font>**'],
  ["due_soon", '**<font color="comment">黄灯 · 即将到期</font>**'],
  ["flagged", "**挂牌督办**"],
  ["patrol", '**<font color="info">回头看巡查</font>**'],
  ["leader", '**<font color="warning">逾期升级 · 请包案领导督促</font>**'],
  ["accountability", '**<font color="warning">逾期升级 · 已达问责时限</font>**'],
  ["office_patrol", '**<font color="info">今日应巡查</font>**'],
];

/**
 * The first `lines` rendered in full; the rest by number, so a person can still find each case. Reminder
 * sections name every case they remind (the run budget bounds them); a digest list may stop at `maxNumbers`.
 * `rows` may be the head of a longer list read with a LIMIT; `count` is then the length of the whole list.
 */
export function capped<T>(rows: T[], lines: number, render: (r: T) => string, id: (r: T) => number, maxNumbers = Infinity, count = rows.length): string[] {
  const out = rows.slice(0, lines).map(render);
  // `rows` may be only the head of a longer list (read with a LIMIT); `count` is the whole list.
  const rest = rows.slice(lines);
  const more = Math.max(0, count - Math.min(lines, rows.length));
  if (!more) return out;
  const numbers = rest.slice(0, maxNumbers).map((r) => `#${id(r)}`).join(" ");
  out.push(`<font color="comment">${lines ? "另有" : "共"} ${more} 件：${numbers}${more > maxNumbers ? " 等，详见看板" : ""}</font>`);
  return out;
}

/** A delivery placed in a message, with the item it came from (for its slot row). */
export type Line = Delivery & { caseId: number; job: JobName; slot: string };

/** Render the lines of one group, section by section. */
export function renderSections(lines: Line[], perSection: number): string[] {
  const out: string[] = [];
  for (const [section, title] of TITLES) {
    const mine = lines.filter((l) => l.section === section || (section === "patrol" && l.section === "milestone"));
    if (!mine.length) continue;
    out.push(`${title}（${mine.length}）`, ...capped(mine, perSection, (l) => l.line, (l) => l.caseId));
  }
  return out;
}

/**
 * 周报 / 月报: on the first morning run of each ISO week and of each month (so after a holiday the
 * first working day carries it), a per-unit 红/黄/绿牌 from the policy's thresholds on the fair ranking score
 * (domain/fair-rank; a unit with too few 应结件 gets no card), with what changed during the previous week or month.
 */
import type { Db } from "../db/types.js";
import { changesByUnit, sumChanges, type Changes } from "../db/stats.js";
import { addCalendarDays } from "../domain/calendar.js";
import { cardNote, score100, scoreNote } from "../domain/fair-rank.js";
import { info, line, muted, strong, warn, type Block, type Span } from "../domain/message.js";
import type { Policy } from "../domain/policy.js";
import { isoWeek, startOfDate, weekStart } from "./business-time.js";
import { pct, type DigestData } from "./digest.js";

export type Period = { job: "weekly" | "monthly"; slot: string; label: string; from: number; to: number };

const md = (ymd: string) => `${Number(ymd.slice(5, 7))}月${Number(ymd.slice(8, 10))}日`;

/** The reports whose slot is today's week and month; the caller skips those already sent. */
export function periodsOf(today: string, tz: string): Period[] {
  const monday = weekStart(today);
  const lastMonday = addCalendarDays(monday, -7);
  const firstOfMonth = `${today.slice(0, 7)}-01`;
  const firstOfLast = `${addCalendarDays(firstOfMonth, -1).slice(0, 7)}-01`;
  return [
    { job: "weekly", slot: isoWeek(today), label: `周报 · ${md(lastMonday)}—${md(addCalendarDays(monday, -1))}`, from: startOfDate(lastMonday, tz), to: startOfDate(monday, tz) },
    { job: "monthly", slot: today.slice(0, 7), label: `月报 · ${Number(firstOfLast.slice(0, 4))}年${Number(firstOfLast.slice(5, 7))}月`, from: startOfDate(firstOfLast, tz), to: startOfDate(firstOfMonth, tz) },
  ];
}

export const loadPeriodChanges = (db: Db, p: Period) => changesByUnit(db, p.from, p.to);

export type Card = "红牌" | "黄牌" | "绿牌";
const CARD_TONE: Record<Card, (t: string) => Span> = { 红牌: warn, 黄牌: muted, 绿牌: info };

/** A score below `red` → 红牌, below `yellow` → 黄牌, else 绿牌 (thresholds are policy data); unranked (null) → no card. */
export function cardOf(score: number | null, cards: Policy["cards"]): Card | null {
  return score === null ? null : score < cards.red ? "红牌" : score < cards.yellow ? "黄牌" : "绿牌";
}
const tag = (c: Card) => CARD_TONE[c](c);

const changeText = (c: Omit<Changes, "unitId">) => `新增 ${c.created}，办结 ${c.closed}，反弹 ${c.rebounds}`;

export function commandReport(p: Period, d: DigestData, changes: Changes[], cards: Policy["cards"]): Block[] {
  const out = [line(strong(p.label)), line(`本期${changeText(sumChanges(changes))}；截至目前全区完成率 ${pct(d.total.completionRate)}`)];
  for (const card of ["红牌", "黄牌", "绿牌"] as Card[]) {
    const units = d.ranking.rows.filter((r) => cardOf(r.score, cards) === card);
    if (units.length) out.push(line(tag(card), `（${units.length}）：${units.map((u) => `${d.unitNames.get(u.unitId) ?? "未指定单位"} ${score100(u.score)}`).join("、")}`));
  }
  const unrated = d.ranking.rows.filter((r) => r.score === null).length;
  if (unrated) out.push(line(`未评牌（应结件不足 ${Math.max(1, d.ranking.opts.minCases)} 件）：${unrated} 个单位`));
  out.push(line(muted(`${cardNote(cards)}${scoreNote(d.ranking.opts.minCases)}`)));
  return out;
}

/** A unit's own card, or why it has none; undefined when it has no cases. */
export function unitReport(p: Period, d: DigestData, unitId: number, changes: Changes[], cards: Policy["cards"]): Block[] | undefined {
  const s = d.ranking.rows.find((r) => r.unitId === unitId);
  if (!s || s.total === 0) return undefined;
  const c = changes.find((x) => x.unitId === unitId) ?? { created: 0, closed: 0, rebounds: 0 };
  const head = [strong(p.label), `：本期${changeText({ newlyOverdue: 0, ...c })}；`];
  const card = cardOf(s.score, cards);
  if (!card) return [line(...head, `应结件 ${s.due} 件，不足 ${Math.max(1, d.ranking.opts.minCases)} 件，本期不评牌`)];
  return [line(...head, `评分 ${score100(s.score)}（按期办结 ${s.closedOnTime}/${s.due}），评为 `, tag(card))];
}

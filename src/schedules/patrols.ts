/**
 * 防反弹: a closed case comes back for a patrol at +7/+30/+90 days (policy); a 阶段性办结 case with a
 * milestone comes back on its milestone date instead. Slot = the patrol date, so a date that fell on a
 * day off or a missed morning is still reminded on the next morning run (dates after `since`).
 */
import { and, asc, eq, gte } from "drizzle-orm";
import { cases } from "../db/schema.js";
import { addCalendarDays, localDate } from "../domain/calendar.js";
import { fmtDate } from "../handlers/text.js";
import { startOfDate } from "./business-time.js";
import { CASE_COLS, caseHead, doers, item, unitLine, type CaseLite, type Delivery, type Item, type JobCtx } from "./items.js";

const inWindow = (ctx: JobCtx, ymd: string) => ymd > ctx.since && ymd <= ctx.today;

function lines(ctx: JobCtx, c: CaseLite, what: string): Delivery[] {
  const ask = `请开展回头看巡查：巡查 #${c.id} 正常 / 巡查 #${c.id} 反弹 情况`;
  const out = unitLine(ctx, c, "patrol", `${caseHead(c)} ${what}，${ask}`, doers(ctx, c));
  if (ctx.route.commandChat) out.push({ chatId: ctx.route.commandChat, section: "office_patrol", line: `${caseHead(c)}（${ctx.route.unitName(c.leadUnitId)}）${what}`, mentions: [] });
  return out;
}

export async function patrolItems(ctx: JobCtx): Promise<Item[]> {
  if (ctx.urgentOnly) return [];
  const offsets = ctx.policy.patrolOffsetsDays;
  const earliest = startOfDate(addCalendarDays(ctx.since, -Math.max(0, ...offsets)), ctx.tz);
  const rows = await ctx.db.select(CASE_COLS).from(cases).where(and(eq(cases.state, "closed"), gte(cases.closedAt, earliest))).orderBy(asc(cases.id));
  const out: Item[] = [];
  for (const c of rows) {
    if (c.outcome === "staged" && c.milestoneAt !== null) continue; // follows its milestone instead
    const closedOn = localDate(c.closedAt!, ctx.tz);
    for (const k of offsets) {
      const day = addCalendarDays(closedOn, k);
      if (inWindow(ctx, day)) out.push(item("patrol", day, c, lines(ctx, c, `办结满 ${k} 天（${fmtDate(c.closedAt!, ctx.tz)}办结）`)));
    }
  }
  return out;
}

export async function milestoneItems(ctx: JobCtx): Promise<Item[]> {
  if (ctx.urgentOnly) return [];
  const rows = await ctx.db
    .select(CASE_COLS)
    .from(cases)
    .where(and(eq(cases.state, "closed"), eq(cases.outcome, "staged"), gte(cases.milestoneAt, startOfDate(addCalendarDays(ctx.since, 1), ctx.tz))))
    .orderBy(asc(cases.id));
  const out: Item[] = [];
  for (const c of rows) {
    const day = localDate(c.milestoneAt!, ctx.tz);
    if (inWindow(ctx, day)) out.push(item("milestone", day, c, lines(ctx, c, `阶段性办结节点 ${fmtDate(c.milestoneAt!, ctx.tz)} 已到`)));
  }
  return out;
}

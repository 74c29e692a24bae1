/**
 * 防反弹: a closed case comes back for a patrol at +7/+30/+90 days (policy); a 阶段性办结 case with a
 * milestone comes back on its milestone date instead. Slot = the patrol date, so a date that fell on a
 * day off or a missed morning is still reminded on the next morning run (dates after `since`).
 */
import { sql } from "drizzle-orm";
import { addCalendarDays, localDate } from "../domain/calendar.js";
import { fmtDate } from "../handlers/text.js";
import { startOfDate } from "./business-time.js";
import { casesVia } from "./page.js";
import { caseHead, doers, item, unitLine, type CaseLite, type Delivery, type Item, type JobCtx } from "./items.js";

const inWindow = (ctx: JobCtx, ymd: string) => ymd > ctx.since && ymd <= ctx.today;

function lines(ctx: JobCtx, c: CaseLite, what: string): Delivery[] {
  const ask = `请开展回头看巡查：巡查 #${c.id} 正常 / 巡查 #${c.id} 反弹 情况`;
  const out = unitLine(ctx, c, "patrol", [...caseHead(c), ` ${what}，${ask}`], doers(ctx, c));
  if (ctx.route.commandChat) out.push({ chatId: ctx.route.commandChat, section: "office_patrol", line: [...caseHead(c), `（${ctx.route.unitName(c.leadUnitId)}）${what}`], mentions: [] });
  return out;
}

export async function patrolItems(ctx: JobCtx): Promise<Item[]> {
  if (ctx.urgentOnly) return [];
  const out: Item[] = [];
  // Per offset k, only the cases closed on the days whose patrol date falls in (since, today]: a few days of closures.
  for (const k of new Set(ctx.policy.patrolOffsetsDays)) {
    const from = startOfDate(addCalendarDays(ctx.since, 1 - k), ctx.tz);
    const to = startOfDate(addCalendarDays(ctx.today, 1 - k), ctx.tz);
    const rows = await casesVia(ctx.db, "cases_closed_idx", sql`state = 'closed' AND closed_at >= ${from} AND closed_at < ${to}`);
    for (const c of rows) {
      if (c.outcome === "staged" && c.milestoneAt !== null) continue; // follows its milestone instead
      const day = addCalendarDays(localDate(c.closedAt!, ctx.tz), k);
      if (inWindow(ctx, day)) out.push(item("patrol", day, c, lines(ctx, c, `办结满 ${k} 天（${fmtDate(c.closedAt!, ctx.tz)}办结）`)));
    }
  }
  return out;
}

export async function milestoneItems(ctx: JobCtx): Promise<Item[]> {
  if (ctx.urgentOnly) return [];
  const from = startOfDate(addCalendarDays(ctx.since, 1), ctx.tz);
  const to = startOfDate(addCalendarDays(ctx.today, 1), ctx.tz);
  const rows = await casesVia(ctx.db, "cases_milestone_idx", sql`milestone_at >= ${from} AND milestone_at < ${to} AND state = 'closed' AND outcome = 'staged'`);
  const out: Item[] = [];
  for (const c of rows) {
    const day = localDate(c.milestoneAt!, ctx.tz);
    if (inWindow(ctx, day)) out.push(item("milestone", day, c, lines(ctx, c, `阶段性办结节点 ${fmtDate(c.milestoneAt!, ctx.tz)} 已到`)));
  }
  return out;
}

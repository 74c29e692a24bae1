/**
 * 红灯: every working morning for each overdue case, with the escalation ladder of the policy (working days
 * overdue): officer + unit head (day 1) → + supervising leader in the command group (day 3) → + the
 * accountability group (day 7). 紧急 cases are reminded at any hour (policy). In the morning pass the command group's
 * digest lists every overdue case once, by step, naming its 包案领导 and unit head (digest-lead.ts), so the ladder adds
 * command-group lines only in runs outside it; a 包案领导 is @-ed on the working day the case reaches a step, not after.
 */
import { sql } from "drizzle-orm";
import { isWorkingDay } from "../domain/calendar.js";
import { warn } from "../domain/message.js";
import { fmtDate } from "../handlers/text.js";
import { caseHead, doers, item, routed, unitLine, type CaseLite, type Delivery, type Item, type JobCtx } from "./items.js";
import { pagedItems, type Found, type Want } from "./page.js";

export async function overdueItems(ctx: JobCtx, want: Want): Promise<Found> {
  // Returned cases wait on the office (reassign) and 待审核 ones on the leaders, not on the unit: the digest lists them.
  const where = sql`state IN ('pending_ack','in_progress') AND due_at < ${ctx.at} ${ctx.crossedAfter !== undefined ? sql`AND due_at >= ${ctx.crossedAfter}` : sql``} ${routed(ctx)}`;
  return pagedItems(ctx, want, "overdue", "cases_prio_state_due_idx", where, (c) => overdueItem(ctx, c));
}

function overdueItem(ctx: JobCtx, c: CaseLite): Item {
  const { ladderDays } = ctx.policy;
  // An urgent case may be reminded at 00:00 on a day off, when it is 0 working days late: call it day 1.
  const days = Math.max(1, ctx.workdays(c.dueAt!, ctx.at));
  const late = ["逾期 ", warn(String(days)), ` 个工作日（时限 ${fmtDate(c.dueAt!, ctx.tz)}）`];
  const unsigned = c.state === "pending_ack" ? "，尚未签收" : "";
  const unit = ctx.route.unitName(c.leadUnitId);
  const out: Delivery[] = unitLine(ctx, c, "overdue", [...caseHead(c), " ", ...late, c.state === "pending_ack" ? `${unsigned}，请立即签收：签收 #${c.id}` : `，请尽快办结：办结 #${c.id}`],
    days >= ladderDays.officer ? [...doers(ctx, c), ...ctx.route.head(c.leadUnitId)] : []);
  const { commandChat, accountabilityChat } = ctx.route;
  const escalates = (days === ladderDays.leader || days === ladderDays.accountability) && isWorkingDay(ctx.cal, ctx.today);
  if (days >= ladderDays.leader && commandChat && ctx.urgentOnly) {
    out.push({ chatId: commandChat, section: "leader", line: [...caseHead(c), `（${unit}）`, ...late, unsigned], mentions: c.leaderUserId && escalates ? [c.leaderUserId] : [] });
  }
  if (days >= ladderDays.accountability && accountabilityChat && (ctx.urgentOnly || accountabilityChat !== commandChat)) {
    out.push({ chatId: accountabilityChat, section: "accountability", line: [...caseHead(c), `（${unit}）`, ...late, unsigned], mentions: [] });
  }
  return item("overdue", ctx.today, c, out);
}

/** 待签收超时: a case not signed for by its limit (1 working day; 紧急 2 hours) is reminded once per business day. */
import { sql } from "drizzle-orm";
import { fmtDate, fmtDateTime } from "../handlers/text.js";
import { caseHead, doers, item, routed, unitLine, type JobCtx } from "./items.js";
import { pagedItems, type Found, type Want } from "./page.js";

export async function ackItems(ctx: JobCtx, want: Want): Promise<Found> {
  // Once past due the overdue reminder speaks for the case (it says "尚未签收").
  const where = sql`state = 'pending_ack' AND ack_by < ${ctx.at} AND (due_at IS NULL OR due_at >= ${ctx.at})
    ${ctx.crossedAfter !== undefined ? sql`AND ack_by >= ${ctx.crossedAfter}` : sql``} ${routed(ctx)}`;
  return pagedItems(ctx, want, "ack", "cases_prio_state_ack_idx", where, (c) => {
    const limit = c.priority === "urgent" ? fmtDateTime(c.ackBy!, ctx.tz) : fmtDate(c.ackBy!, ctx.tz);
    const line = [...caseHead(c), ` 签收时限 ${limit} 已过，请立即签收：签收 #${c.id}`];
    return item("ack", ctx.today, c, unitLine(ctx, c, "ack", line, [...doers(ctx, c), ...ctx.route.head(c.leadUnitId)]));
  });
}

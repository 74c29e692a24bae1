/** 待签收超时: a case not signed for by its limit (1 working day; 紧急 2 hours) is reminded once per business day. */
import { and, asc, eq, gte, isNull, lt, or } from "drizzle-orm";
import { cases } from "../db/schema.js";
import { fmtDate, fmtDateTime } from "../handlers/text.js";
import { CASE_COLS, caseHead, doers, item, unitLine, type Item, type JobCtx } from "./items.js";

export async function ackItems(ctx: JobCtx): Promise<Item[]> {
  const rows = await ctx.db
    .select(CASE_COLS)
    .from(cases)
    .where(
      and(
        eq(cases.state, "pending_ack"),
        lt(cases.ackBy, ctx.at),
        // Once past due the overdue reminder speaks for the case (it says "尚未签收").
        or(isNull(cases.dueAt), gte(cases.dueAt, ctx.at)),
        ctx.urgentOnly ? eq(cases.priority, "urgent") : undefined,
        ctx.crossedAfter !== undefined ? gte(cases.ackBy, ctx.crossedAfter) : undefined,
      ),
    )
    .orderBy(asc(cases.id));
  return rows.map((c) => {
    const limit = c.priority === "urgent" ? fmtDateTime(c.ackBy!, ctx.tz) : fmtDate(c.ackBy!, ctx.tz);
    const line = `${caseHead(c)} 签收时限 ${limit} 已过，请立即签收：签收 #${c.id}`;
    return item("ack", ctx.today, c, unitLine(ctx, c, "ack", line, [...doers(ctx, c), ...ctx.route.head(c.leadUnitId)]));
  });
}

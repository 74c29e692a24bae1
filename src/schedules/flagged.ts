/** 挂牌督办: one line every working morning in the lead unit's group until the case is closed. */
import { and, asc, eq, inArray } from "drizzle-orm";
import { cases } from "../db/schema.js";
import { STATE_LABEL } from "../domain/labels.js";
import { fmtDate } from "../handlers/text.js";
import { CASE_COLS, caseHead, item, unitLine, type Item, type JobCtx } from "./items.js";

export async function flaggedItems(ctx: JobCtx): Promise<Item[]> {
  if (ctx.urgentOnly) return [];
  const rows = await ctx.db
    .select(CASE_COLS)
    .from(cases)
    .where(and(eq(cases.flagged, true), inArray(cases.state, ["pending_ack", "in_progress", "pending_review", "returned"])))
    .orderBy(asc(cases.id));
  return rows.map((c) => {
    let when = "";
    if (c.dueAt !== null) {
      const d = c.dueAt < ctx.at ? ctx.workdays(c.dueAt, ctx.at) : ctx.workdays(ctx.at, c.dueAt);
      when = c.dueAt < ctx.at ? `，<font color="warning">已逾期 ${Math.max(1, d)} 个工作日</font>` : `，时限 ${fmtDate(c.dueAt, ctx.tz)}（剩 ${d} 个工作日）`;
    }
    return item("flagged", ctx.today, c, unitLine(ctx, c, "flagged", `${caseHead(c)} ${STATE_LABEL[c.state]}${when}`, []));
  });
}

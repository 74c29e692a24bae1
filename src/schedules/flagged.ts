/** 挂牌督办: one line every working morning in the lead unit's group until the case is closed. */
import { sql } from "drizzle-orm";
import { STATE_LABEL } from "../domain/labels.js";
import { warn, type Span } from "../domain/message.js";
import { fmtDate } from "../handlers/text.js";
import { caseHead, item, routed, unitLine, type JobCtx } from "./items.js";
import { pagedItems, type Found, type Want } from "./page.js";

export async function flaggedItems(ctx: JobCtx, want: Want): Promise<Found> {
  if (ctx.urgentOnly) return { items: [], more: 0 };
  const where = sql`flagged = 1 AND state IN ('pending_ack','in_progress','pending_review','returned') ${routed(ctx)}`;
  return pagedItems(ctx, want, "flagged", "cases_flagged_idx", where, (c) => {
    let when: Span[] = [];
    if (c.dueAt !== null) {
      const d = c.dueAt < ctx.at ? ctx.workdays(c.dueAt, ctx.at) : ctx.workdays(ctx.at, c.dueAt);
      when = c.dueAt < ctx.at ? ["，", warn(`已逾期 ${Math.max(1, d)} 个工作日`)] : [`，时限 ${fmtDate(c.dueAt, ctx.tz)}（剩 ${d} 个工作日）`];
    }
    return item("flagged", ctx.today, c, unitLine(ctx, c, "flagged", [...caseHead(c), ` ${STATE_LABEL[c.state]}`, ...when], []));
  });
}

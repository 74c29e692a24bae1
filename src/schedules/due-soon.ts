/** 黄灯: a warning N working days before the deadline (policy, default 2) and on the due day. Mornings only. */
import { sql } from "drizzle-orm";
import { addWorkingDays, localDate } from "../domain/calendar.js";
import { strong, type Span } from "../domain/message.js";
import { fmtDate } from "../handlers/text.js";
import { casesVia } from "./page.js";
import { caseHead, doers, item, unitLine, type Item, type JobCtx } from "./items.js";

export async function dueSoonItems(ctx: JobCtx): Promise<Item[]> {
  if (ctx.urgentOnly) return []; // a warning is not worth waking anyone for
  const n = ctx.policy.dueSoonWorkingDays;
  // Every deadline with at most n working days left ends before the end of the (n+1)-th working day.
  const bound = addWorkingDays(ctx.cal, ctx.at, n + 1);
  const rows = await casesVia(ctx.db, "cases_state_due_idx", sql`state IN ('pending_ack','in_progress') AND due_at >= ${ctx.at} AND due_at <= ${bound}`, sql`due_at, id`);
  const out: Item[] = [];
  for (const c of rows) {
    const left = ctx.workdays(ctx.at, c.dueAt!);
    const due = fmtDate(c.dueAt!, ctx.tz);
    let text: Span[];
    if (left === n) text = ["还剩 ", strong(String(n)), ` 个工作日（${due}到期）`];
    else if (left === 0) text = localDate(c.dueAt!, ctx.tz) === ctx.today ? [strong("今日到期")] : [`今天是到期前最后一个工作日（${due}到期）`];
    else continue;
    const ask = c.state === "pending_ack" ? `请先签收：签收 #${c.id}` : `请按时办结：办结 #${c.id}`;
    out.push(item("due_soon", ctx.today, c, unitLine(ctx, c, "due_soon", [...caseHead(c), " ", ...text, `，${ask}`], doers(ctx, c))));
  }
  return out;
}

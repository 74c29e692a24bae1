/** 我的 / 逾期: lists scoped by role — a unit sees its own cases, the office sees what waits for it. */
import { and, asc, eq, inArray, lt, or, sql, type SQL } from "drizzle-orm";
import { cases } from "../db/schema.js";
import { dispatcherQueue, leaderQueue, LIST_COLUMNS, unitOpenCases, type ListRow, type WorkList } from "../db/work-lists.js";
import { isOverdue } from "../domain/lifecycle.js";
import { seesAll } from "../domain/permissions.js";
import type { HandlerCtx, NoInput, Outcome, UseCaseArgs } from "./context.js";
import { caseNo, fmtDate, stateTag, unitName } from "./text.js";
import { line, msg, strong, type Block, type Message } from "../domain/message.js";

const LIMIT = 15;

function ownUnit(ctx: HandlerCtx): SQL | undefined {
  const u = ctx.actor.unitId;
  if (u === null) return undefined;
  return or(eq(cases.leadUnitId, u), sql`exists (select 1 from json_each(${cases.coUnitIds}) where value = ${u})`);
}

async function render(ctx: HandlerCtx, title: Block, rows: ListRow[], empty: string, more: number): Promise<Message> {
  if (rows.length === 0) return msg(title, empty);
  const units = await ctx.units();
  const tz = ctx.deps.config.timezone;
  const lines = rows.map((c) => {
    const due = c.dueAt ? ` 限${fmtDate(c.dueAt, tz)}` : "";
    return [line(`${caseNo(c)} ${c.flagged ? "【挂牌】" : ""}${c.title}`), line("　", ...stateTag(c, ctx.now), ` · ${unitName(units, c.leadUnitId)}${due}`)];
  });
  return msg(title, ...lines, more > 0 ? `……另有 ${more} 件，请在督办台账中查看` : "");
}

/** Most urgent first: 挂牌, then overdue, then nearest due date. */
function urgentFirst(rows: ListRow[], now: number): ListRow[] {
  return rows.sort((a, b) => Number(b.flagged) - Number(a.flagged) || Number(isOverdue(b, now)) - Number(isOverdue(a, now)) || (a.dueAt ?? Infinity) - (b.dueAt ?? Infinity));
}

export async function myCases({ ctx }: UseCaseArgs<NoInput>): Promise<Outcome> {
  const { db } = ctx.deps;
  const a = ctx.actor;
  let found: WorkList;
  let title: Block;
  // The lists come most urgent first from SQL (db/work-lists.ts); only the rows shown are loaded, the rest counted.
  if (a.roles.includes("leader")) {
    found = await leaderQueue(db, a.userId, LIMIT);
    title = line(strong("待您处理"), "（待审核、延期申请、包案案件）");
  } else if (a.roles.includes("dispatcher")) {
    found = await dispatcherQueue(db, ctx.now, LIMIT);
    title = line(strong("待督办办处理"), "（被退回、超时未签收）");
  } else {
    found = a.unitId === null ? { rows: [], total: 0 } : await unitOpenCases(db, a.unitId, LIMIT);
    title = line(strong("本单位待办"));
  }
  return { reply: await render(ctx, title, found.rows, "暂无待办，辛苦了。", found.total - found.rows.length), writes: [] };
}

export async function overdueCases({ ctx }: UseCaseArgs<NoInput>): Promise<Outcome> {
  const scope = seesAll(ctx.actor) ? undefined : (ownUnit(ctx) ?? sql`0`);
  const rows = urgentFirst(
    await ctx.deps.db.select(LIST_COLUMNS).from(cases).where(and(inArray(cases.state, ["pending_ack", "in_progress", "pending_review", "returned"]), lt(cases.dueAt, ctx.now), scope)).orderBy(asc(cases.dueAt)).limit(500),
    ctx.now,
  );
  const title = line(strong(`逾期案件 ${rows.length} 件`), seesAll(ctx.actor) ? "（全区）" : "（本单位）");
  return { reply: await render(ctx, title, rows.slice(0, LIMIT), "没有逾期案件。", rows.length - LIMIT), writes: [] };
}

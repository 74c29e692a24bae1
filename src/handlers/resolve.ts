/** Resolving what people typed — unit names, person names, deadlines — into stored rows and instants. */
import { eq } from "drizzle-orm";
import type { DeadlineSpec } from "../bot/commands.js";
import { people } from "../db/schema.js";
import { addWorkingDays, resolveDeadline } from "../domain/calendar.js";
import { matchPerson, matchUnit } from "../domain/match-unit.js";
import type { Policy } from "../domain/policy.js";
import type { HandlerCtx, UnitRow } from "./context.js";
import { DomainError } from "./errors.js";

export async function resolveUnit(ctx: HandlerCtx, query: string, usage: string): Promise<UnitRow> {
  const all = (await ctx.units()).filter((u) => u.active);
  const m = matchUnit(query, all);
  if (m.kind === "one") return m.unit as UnitRow;
  if (m.kind === "ambiguous") {
    throw new DomainError("UNIT_AMBIGUOUS", `「${query}」对应多个单位：${m.candidates.map((u) => u.name).join("、")}，请写全称。`, usage);
  }
  const hint = m.suggestions.length ? `您是否要找：${m.suggestions.map((u) => u.name).join("、")}？` : "发送「帮助 交办」查看写法。";
  throw new DomainError("UNIT_NOT_FOUND", `没有找到单位「${query}」。${hint}`, usage);
}

const TITLES = /^(.+?)(副区长|区长|副书记|书记|副主任|主任|副局长|局长|部长|常委)$/;

/** A person by userid or name; "李区长" finds the one leader surnamed 李 when titles are used. */
export async function resolvePerson(ctx: HandlerCtx, query: string, usage: string, filter: (p: typeof people.$inferSelect) => boolean = () => true) {
  const all = (await ctx.deps.db.select().from(people).where(eq(people.active, true))).filter(filter);
  const q = query.replace(/^@/, "").trim();
  const m = matchPerson(q, all);
  if (m.kind === "one") return m.person as (typeof all)[number];
  const title = TITLES.exec(q);
  if (m.kind === "none" && title) {
    const bySurname = all.filter((p) => p.name.startsWith(title[1]));
    if (bySurname.length === 1) return bySurname[0];
  }
  if (m.kind === "ambiguous") throw new DomainError("PERSON_NOT_FOUND", `「${q}」对应多人：${m.candidates.map((p) => p.name).join("、")}，请写全名。`, usage);
  throw new DomainError("PERSON_NOT_FOUND", `没有找到「${q}」，请确认其已在系统登记。`, usage);
}

export async function resolveDue(ctx: HandlerCtx, spec: DeadlineSpec, usage: string): Promise<number> {
  const r = resolveDeadline(spec, ctx.now, await ctx.deps.calendar());
  if (typeof r !== "number") throw new DomainError("BAD_INPUT", r.error, usage);
  return r;
}

export async function defaultDeadlines(ctx: HandlerCtx, policy: Policy, urgent: boolean): Promise<{ ackBy: number; dueAt: number }> {
  const cal = await ctx.deps.calendar();
  return {
    // 紧急 means now, nights and weekends included (spec §4): clock hours, not working hours.
    ackBy: urgent ? ctx.now + policy.urgentAckHours * 3_600_000 : addWorkingDays(cal, ctx.now, policy.ackWorkingDays),
    dueAt: addWorkingDays(cal, ctx.now, policy.defaultDueWorkingDays),
  };
}

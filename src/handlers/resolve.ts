/**
 * Resolving what people typed — unit names, person names, deadlines — into stored rows and instants. The chat
 * layer (src/bot/route.ts) and the API turn names into ids here before calling a use case; the use cases take ids
 * (unitById, personById) and check them again, so a surface that already holds an id passes it straight through.
 */
import type { CaseRef, DeadlineSpec } from "../domain/values.js";
import { directory, type PersonRow } from "../db/directory-cache.js";
import { addWorkingDays, resolveDeadline } from "../domain/calendar.js";
import { matchPerson, matchUnit } from "../domain/match-unit.js";
import type { Policy } from "../domain/policy.js";
import { findCase } from "./common.js";
import type { HandlerCtx, UnitRow } from "./context.js";
import { DomainError } from "./errors.js";
import { caseNo } from "./text.js";

export const ASSIGN_USAGE = "交办 金牛大道某烧烤店油烟扰民 给 荷花池街道 配合 区城管局 限 5个工作日 督办 李区长";
export const reassignUsage = (no: string) => `改派 ${no} 给 驷马桥街道`;
export const officerUsage = (no: string) => `指派 ${no} 给 @赵六（须为本单位人员）`;

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

/** An active unit by id (a dashboard select or an API field), refused like an unknown name. */
export async function unitById(ctx: HandlerCtx, id: number, usage: string): Promise<UnitRow> {
  const u = (await ctx.units()).find((x) => x.id === id && x.active);
  if (!u) throw new DomainError("UNIT_NOT_FOUND", `没有找到单位（编号 ${id}），或该单位已停用。`, usage);
  return u;
}

/** An active person by userid who passes `filter` (e.g. a leader, or one of the lead unit's staff). */
export async function personById(ctx: HandlerCtx, userId: string, usage: string, filter: (p: PersonRow) => boolean = () => true): Promise<PersonRow> {
  const dir = await directory(ctx.deps.db);
  const p = dir.activePeople.get(userId);
  if (!p || !filter(p)) throw new DomainError("PERSON_NOT_FOUND", `「${dir.names.get(userId) ?? userId}」不符合要求或未在系统登记。`, usage);
  return p;
}

/** 交办's typed names (lead unit, co-units, 督办 leader) as ids, for the 交办 use case's input. */
export async function assignTargets(ctx: HandlerCtx, typed: { leadUnit: string; coUnits: string[]; leader?: string }): Promise<{ leadUnitId: number; coUnitIds: number[]; leaderUserId?: string }> {
  const lead = await resolveUnit(ctx, typed.leadUnit, ASSIGN_USAGE);
  const coUnitIds: number[] = [];
  for (const name of typed.coUnits) coUnitIds.push((await resolveUnit(ctx, name, ASSIGN_USAGE)).id);
  const leader = typed.leader ? await resolvePerson(ctx, typed.leader, ASSIGN_USAGE, (p) => p.roles.includes("leader")) : undefined;
  return { leadUnitId: lead.id, coUnitIds, leaderUserId: leader?.userId };
}

/** 指派's typed name among the case's lead unit staff (a name unique in that unit may be shared elsewhere). */
export async function resolveOfficer(ctx: HandlerCtx, ref: CaseRef, typed: string): Promise<string> {
  const c = await findCase(ctx, ref);
  return (await resolvePerson(ctx, typed, officerUsage(caseNo(c)), (x) => x.unitId === c.leadUnitId)).userId;
}

/** A unit by the name typed for 改派. */
export async function resolveReassignUnit(ctx: HandlerCtx, ref: CaseRef, typed: string): Promise<number> {
  const no = ref.kind === "id" ? `#${ref.id}` : ref.no;
  return (await resolveUnit(ctx, typed, reassignUsage(no))).id;
}

const TITLES = /^(.+?)(副区长|区长|副书记|书记|副主任|主任|副局长|局长|部长|常委)$/;

/** A person by userid or name; "李区长" finds the one leader surnamed 李 when titles are used. */
export async function resolvePerson(ctx: HandlerCtx, query: string, usage: string, filter: (p: PersonRow) => boolean = () => true): Promise<PersonRow> {
  const all = [...(await directory(ctx.deps.db)).activePeople.values()].filter(filter);
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

/**
 * 改派: the office hands the case to another unit; after the third return this designates it (定责). Another unit
 * starts a new handling round: it does not inherit the earlier unit's 四不放过 answers or photos (spec §2.2).
 */
import type { CaseRef } from "../domain/values.js";
import { addWorkingDays } from "../domain/calendar.js";
import { MAX_RETURNS } from "../domain/lifecycle.js";
import { loadPolicy } from "../db/policy.js";
import type { Outcome, UseCaseArgs } from "./context.js";
import { authorize, changeCase, findCase, pushTo, unitContacts, unitGroup } from "./common.js";
import { reassignUsage, unitById } from "./resolve.js";
import { startRound } from "./rounds.js";
import { caseNo, fmtDate, nextStep, unitName } from "./text.js";
import { buttons, line, msg, quote, strong } from "../domain/message.js";

export type ReassignInput = { ref: CaseRef; unitId: number };

export async function reassignCase({ ctx, input }: UseCaseArgs<ReassignInput>): Promise<Outcome> {
  const c = await findCase(ctx, input.ref);
  authorize(ctx, "reassign", c);
  const unit = await unitById(ctx, input.unitId, reassignUsage(caseNo(c)));
  const designated = c.designated || c.returnCount >= MAX_RETURNS;
  const policy = await loadPolicy(ctx.deps.db);
  const ackBy = addWorkingDays(await ctx.deps.calendar(), ctx.now, policy.ackWorkingDays);
  const units = await ctx.units();
  const tz = ctx.deps.config.timezone;
  const tag = designated ? "（已定责，不可退回）" : "";
  const round = unit.id !== c.leadUnitId ? startRound(ctx, c, "reassign") : undefined;
  const closure = round ? { ...round.set, outcome: null, milestoneAt: null, submittedAt: null } : {};
  return {
    caseId: c.id,
    reply: msg(`已将 ${caseNo(c)} ${c.title} 改派给 ${unit.name}${tag}`, `原牵头：${unitName(units, c.leadUnitId)}　签收时限：${fmtDate(ackBy, tz)}`, nextStep(`等待${unit.name}签收`)),
    writes: [...changeCase(ctx, c, {
      set: { ...closure, state: "pending_ack", leadUnitId: unit.id, designated, ackBy, acknowledgedAt: null, acknowledgedBy: null, officerUserId: null, extRequestedDue: null, extReason: null, extRequestedBy: null, extRequestedAt: null, coUnitIds: c.coUnitIds.filter((id) => id !== unit.id) },
      event: { kind: "reassigned", text: unit.name, data: { fromUnitId: c.leadUnitId, toUnitId: unit.id, designated, ...(round ? { round: c.round + 1 } : {}) } },
      action: "case.reassign",
      outbox: pushTo(
        ctx,
        await unitGroup(ctx, unit.id),
        1,
        msg(line(strong(`改派 ${caseNo(c)} ${c.title}`), tag), `牵头：${unit.name}　签收时限：${fmtDate(ackBy, tz)}${c.dueAt ? `　办结时限：${fmtDate(c.dueAt, tz)}` : ""}`, quote(`请发送：签收 ${caseNo(c)}`), buttons({ label: "签收", command: `签收 ${caseNo(c)}`, style: "primary" })),
        c.id, await unitContacts(ctx, unit.id)),
    }), ...(round ? [round.write] : [])],
  };
}

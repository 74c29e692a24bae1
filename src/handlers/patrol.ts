/** 巡查: a patrol of a closed case finds it normal, or finds the problem back (反弹) and reopens it in a new round. */
import type { CaseRef } from "../domain/values.js";
import { addWorkingDays } from "../domain/calendar.js";
import { loadPolicy } from "../db/policy.js";
import type { Outcome, UseCaseArgs } from "./context.js";
import { authorize, changeCase, findCase, purposeGroup, pushTo, unitContacts, unitGroup } from "./common.js";
import { startRound } from "./rounds.js";
import { caseNo, fmtDate, nextStep } from "./text.js";
import { line, msg, quote, strong } from "../domain/message.js";

export type PatrolInput = { ref: CaseRef; result: "ok" | "rebound"; note?: string };

export async function patrolCase({ ctx, input }: UseCaseArgs<PatrolInput>): Promise<Outcome> {
  const c = await findCase(ctx, input.ref);
  authorize(ctx, "patrol", c);
  const no = caseNo(c);
  if (input.result === "ok") {
    return {
      caseId: c.id,
      reply: `已记录 ${no} 巡查：正常，未发现反弹${input.note ? `（${input.note}）` : ""}`,
      writes: changeCase(ctx, c, { set: {}, event: { kind: "patrol_ok", text: input.note }, action: "case.patrol.ok", phase: "after" }),
    };
  }
  const policy = await loadPolicy(ctx.deps.db);
  const dueAt = addWorkingDays(await ctx.deps.calendar(), ctx.now, policy.defaultDueWorkingDays);
  const count = c.reboundCount + 1;
  const tz = ctx.deps.config.timezone;
  // The earlier closure proved insufficient: every item and after-photo must come from the new round (spec §2.2).
  const round = startRound(ctx, c, "rebound");
  const text = [
    line(strong(`${no} ${c.title} 反弹，已重新办理`), `（第 ${count} 次反弹，第 ${c.round + 1} 轮办理）`),
    line(`巡查：${input.note ?? "问题反弹"}（${ctx.actor.name}）`),
    line(`新时限：${fmtDate(dueAt, tz)}`),
    line("重新办结需本轮的核查、整改、责任、回访和整改后照片"),
  ];
  return {
    caseId: c.id,
    reply: msg(text, nextStep(`牵头单位立即整改并报送：进展 ${no} 内容`)),
    writes: [...changeCase(ctx, c, {
      set: { state: "in_progress", reboundCount: count, dueAt, submittedAt: null, closedAt: null, outcome: null, milestoneAt: null, ...round.set },
      event: { kind: "rebound", text: input.note, data: { count, dueAt, round: c.round + 1 } },
      action: "case.patrol.rebound",
      phase: "before",
      outbox: [
        ...pushTo(ctx, await unitGroup(ctx, c.leadUnitId), 1, msg(text, quote(`请立即整改：进展 ${no} 内容`)), c.id, await unitContacts(ctx, c.leadUnitId)),
        ...pushTo(ctx, await purposeGroup(ctx, "command"), 2, msg(text), c.id, c.leaderUserId ? [c.leaderUserId] : []),
      ],
    }), round.write],
  };
}

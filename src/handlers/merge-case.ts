/**
 * 并案 #91 到 #57 (issue 13): a later complaint becomes part of the earlier case. #91 is closed off as 已并案
 * (cancelled, reason "并案至 #57", the state it had kept for 撤销并案); #57's timeline gets #91's content. If #57
 * was closed the problem came back: #57 reopens in a new handling round (反弹), as a patrol's 反弹 would.
 * Refused across lead units (改派 first) and into a cancelled case, with the reason. One batch.
 */
import type { CaseRef } from "../domain/values.js";
import { addWorkingDays } from "../domain/calendar.js";
import { STATE_LABEL } from "../domain/labels.js";
import { line, msg, quote, strong } from "../domain/message.js";
import { loadPolicy } from "../db/policy.js";
import { caseLinks } from "../db/schema.js";
import type { Outcome, UseCaseArgs } from "./context.js";
import { DomainError } from "./errors.js";
import { authorize, changeCase, findCase, purposeGroup, pushTo, unitContacts, unitGroup } from "./common.js";
import { startRound } from "./rounds.js";
import { caseNo, fmtDate } from "./text.js";

export type MergeInput = { ref: CaseRef; into: CaseRef };

export const mergeReason = (targetId: number) => `并案至 #${targetId}`;

export async function mergeCase({ ctx, input }: UseCaseArgs<MergeInput>): Promise<Outcome> {
  const c = await findCase(ctx, input.ref);
  const t = await findCase(ctx, input.into);
  authorize(ctx, "merge", c);
  const [no, tno] = [caseNo(c), caseNo(t)];
  if (c.id === t.id) throw new DomainError("BAD_INPUT", `${no} 不能并入自身。`, "请写明要并入的原案件号，例如：并案 #91 到 #57");
  if (t.state === "cancelled") {
    throw new DomainError("INVALID_TRANSITION", `${tno} 已撤销，不能并入已撤销的案件${t.cancelReason ? `（${t.cancelReason}）` : ""}。`, "请并入仍在办理或已办结的原案件。");
  }
  if (c.leadUnitId !== t.leadUnitId) {
    const units = await ctx.units();
    const name = (id: number | null) => units.find((u) => u.id === id)?.name ?? "未定";
    throw new DomainError(
      "INVALID_TRANSITION",
      `${no} 的牵头单位是${name(c.leadUnitId)}，${tno} 的是${name(t.leadUnitId)}，不同牵头单位的案件不能并案。`,
      `如确属同一问题，请先改派：改派 ${no} 给 ${name(t.leadUnitId)}，再并案。`,
    );
  }
  const reopen = t.state === "closed";
  const who = ctx.actor.name;
  const merged = changeCase(ctx, c, {
    set: { state: "cancelled", cancelReason: mergeReason(t.id) },
    event: { kind: "cancelled", text: mergeReason(t.id), data: { mergedInto: t.id } },
    action: "case.merge",
  });
  const link = ctx.deps.db.insert(caseLinks).values({
    caseId: c.id, otherId: t.id, kind: "merged", by: ctx.actor.userId, at: ctx.now,
    priorState: { state: c.state, cancelReason: c.cancelReason }, reopened: reopen,
  });
  const complaint = `${no} ${c.content}`;
  if (!reopen) {
    const text = msg(line(strong(`${no} 已并入 ${tno} ${t.title}`), `（${who}）`), line(`${tno} 现有 2 份以上投诉，当前「${STATE_LABEL[t.state]}」，按原时限办理。`));
    return {
      caseId: t.id,
      reply: text,
      writes: [
        ...merged,
        ...changeCase(ctx, t, {
          set: {},
          event: { kind: "note", text: `并案：${complaint}`, data: { merged: c.id } },
          action: "case.merge.into",
          outbox: pushTo(ctx, await unitGroup(ctx, t.leadUnitId), 1, text, t.id),
        }),
        link,
      ],
    };
  }
  // A repeat complaint about a closed case: the closure did not hold (反弹), a new round starts.
  const policy = await loadPolicy(ctx.deps.db);
  const dueAt = addWorkingDays(await ctx.deps.calendar(), ctx.now, policy.defaultDueWorkingDays);
  const count = t.reboundCount + 1;
  const round = startRound(ctx, t, "rebound");
  const text = [
    line(strong(`${tno} ${t.title} 收到重复投诉，已重新办理`), `（${no} 并入，第 ${count} 次反弹，第 ${t.round + 1} 轮办理）`),
    line(`新时限：${fmtDate(dueAt, ctx.deps.config.timezone)}`),
    line("重新办结需本轮的核查、整改、责任、回访和整改后照片；此前的办理和巡查记录可在督办台案件页查看"),
  ];
  return {
    caseId: t.id,
    reply: msg(text, quote(`牵头单位立即核查整改：进展 ${tno} 内容`)),
    writes: [
      ...merged,
      ...changeCase(ctx, t, {
        set: { state: "in_progress", reboundCount: count, dueAt, submittedAt: null, closedAt: null, outcome: null, milestoneAt: null, ...round.set },
        event: { kind: "rebound", text: `重复投诉：${complaint}`, data: { count, dueAt, round: t.round + 1, merged: c.id } },
        action: "case.merge.rebound",
        outbox: [
          ...pushTo(ctx, await unitGroup(ctx, t.leadUnitId), 1, msg(text, quote(`请立即核查整改：进展 ${tno} 内容`)), t.id, await unitContacts(ctx, t.leadUnitId)),
          ...pushTo(ctx, await purposeGroup(ctx, "command"), 2, msg(text), t.id, t.leaderUserId ? [t.leaderUserId] : []),
        ],
      }),
      round.write,
      link,
    ],
  };
}

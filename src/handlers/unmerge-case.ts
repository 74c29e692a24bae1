/**
 * 撤销并案 #91 (issue 13): a leader undoes a 并案 — #91 gets back the state it had before (and its cancel reason,
 * if any); the link is kept, marked undone; both timelines say so. A round the merge reopened on the earlier case
 * stays: work may have started in it, and ending it is a 审核 decision, not an undo. But the rebound it counted
 * is taken back (rebound_count − 1, so the unit's figures drop it through the case_totals triggers): the office
 * has just said this complaint did not repeat the closed problem, so the closure did not fail because of it.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { CaseRef } from "../domain/values.js";
import { STATE_LABEL } from "../domain/labels.js";
import { line, msg, strong } from "../domain/message.js";
import { caseLinks } from "../db/schema.js";
import type { Outcome, UseCaseArgs } from "./context.js";
import { DomainError } from "./errors.js";
import { authorize, changeCase, findCase } from "./common.js";
import { caseNo } from "./text.js";

export type UnmergeInput = { ref: CaseRef };

export async function unmergeCase({ ctx, input }: UseCaseArgs<UnmergeInput>): Promise<Outcome> {
  const { db } = ctx.deps;
  const c = await findCase(ctx, input.ref);
  const no = caseNo(c);
  const [link] = await db.select().from(caseLinks)
    .where(and(eq(caseLinks.caseId, c.id), eq(caseLinks.kind, "merged"), isNull(caseLinks.undoneAt))).limit(1);
  if (!link) throw new DomainError("INVALID_TRANSITION", `${no} 没有并案记录，无需撤销并案。`, "撤销并案只用于已并入其他案件的投诉，例如：撤销并案 #91");
  authorize(ctx, "unmerge", c);
  const t = await findCase(ctx, { kind: "id", id: link.otherId });
  const prior = link.priorState ?? { state: "pending_ack" as const, cancelReason: null };
  const tno = caseNo(t);
  const kept = link.reopened ? `${tno} 因并案开始的第 ${t.round} 轮办理继续进行，该次反弹不再计入单位统计。` : "";
  const rebound = link.reopened ? { reboundCount: Math.max(0, t.reboundCount - 1) } : {};
  const text = msg(line(strong(`${no} 已撤销并案`), `（${ctx.actor.name}），恢复为独立案件，状态「${STATE_LABEL[prior.state]}」。`), kept);
  return {
    caseId: c.id,
    reply: text,
    writes: [
      ...changeCase(ctx, c, {
        set: { state: prior.state, cancelReason: prior.cancelReason },
        event: { kind: "note", text: `撤销并案（原并入 ${tno}）`, data: { unmergedFrom: t.id } },
        action: "case.unmerge",
      }),
      ...changeCase(ctx, t, {
        set: rebound,
        event: { kind: "note", text: `撤销并案：${no} 恢复为独立案件${link.reopened ? "，该次反弹不再计入" : ""}`, data: { unmerged: c.id, ...(link.reopened ? { reboundTakenBack: true } : {}) } },
        action: "case.unmerge.from",
      }),
      db.update(caseLinks).set({ undoneAt: ctx.now, undoneBy: ctx.actor.userId }).where(and(eq(caseLinks.id, link.id), isNull(caseLinks.undoneAt))),
    ],
  };
}

/**
 * 通过 (销号) / 驳回: a leader approves the closure — only when the stored current round passes the gate (spec §2.2)
 * — or sends it back with a reason, naming the items to redo (`驳回 #12 整改 照片不清楚`; none named: all four).
 */
import type { CaseRef } from "../domain/values.js";
import { OUTCOME_LABEL } from "../domain/labels.js";
import { GATE_KEYS, namedItems } from "../domain/rounds.js";
import type { Outcome, UseCaseArgs } from "./context.js";
import { authorize, changeCase, findCase, pushTo, unitContacts, unitGroup } from "./common.js";
import { assertGate, startRound } from "./rounds.js";
import { caseNo, nextStep } from "./text.js";
import { insertAudit } from "../db/write.js";
import { DomainError } from "./errors.js";
import { casePhotoChecks, currentRound, flagLines } from "./photo-flags.js";
import { line, msg, quote, strong } from "../domain/message.js";

/** 通过 with an optional 核实说明 (required when photos are flagged), or 驳回 with the items to redo and why. */
export type DecideClosureInput = { ref: CaseRef; approve: true; note?: string } | { ref: CaseRef; approve: false; reason: string };

export async function decideClosure({ ctx, input }: UseCaseArgs<DecideClosureInput>): Promise<Outcome> {
  const c = await findCase(ctx, input.ref);
  const approve = input.approve;
  authorize(ctx, approve ? "approve_closure" : "reject_closure", c);
  const no = caseNo(c);
  const group = await unitGroup(ctx, c.leadUnitId);
  const contacts = [c.officerUserId ?? "", ...(await unitContacts(ctx, c.leadUnitId))];
  if (approve) {
    await assertGate(ctx, c);
    // Issue 10: flagged photos are findings for the reviewer; approving over them needs a word on what was checked.
    const flags = flagLines(currentRound(await casePhotoChecks(ctx, c), c.round), ctx.deps.config.timezone);
    const note = input.approve ? input.note?.trim() : undefined;
    if (flags.length && !note) {
      throw new DomainError("GATE_FAILED", `${no} 有 ${flags.length} 张照片核查提示，请核实后写明核实情况再通过：\n${flags.map((l) => `> ${l}`).join("\n")}`, `通过 ${no} 已现场核实`);
    }
    const confirm = flags.length && note ? { photoFlags: flags, photoCheckNote: note } : undefined;
    const label = OUTCOME_LABEL[c.outcome ?? "closed"];
    const text = msg(line(strong(`${no} ${c.title}`), ` 审核通过，${label}（${ctx.actor.name}）`));
    return {
      caseId: c.id,
      reply: msg(text.blocks, nextStep(`办结后将按期巡查防反弹；发现反弹请发送：巡查 ${no} 反弹 情况`)),
      writes: [
        ...changeCase(ctx, c, { set: { state: "closed", closedAt: ctx.now }, event: { kind: "closure_approved", text: confirm ? `${label}；照片核查已核实：${note}` : label, data: confirm }, action: "case.closure.approve", outbox: pushTo(ctx, group, 1, text, c.id) }),
        ...(confirm ? [insertAudit(ctx.deps.db, { at: ctx.now, actor: ctx.actor.userId, action: "case.closure.photo_confirm", object: `case:${c.id}`, result: "ok", source: ctx.source, detail: confirm })] : []),
      ],
    };
  }
  const { items, reason } = namedItems(input.approve ? "" : input.reason);
  const redo = items.length ? items : [...GATE_KEYS];
  const round = startRound(ctx, c, "rejected", redo);
  const text = [line(strong(`${no} ${c.title}`), ` 办结申请被驳回（${ctx.actor.name}）`), line(`原因：${reason}`), line(`需重新报送：${redo.join("、")}${items.length ? "（其余沿用）" : ""}`)];
  return {
    caseId: c.id,
    reply: msg(text, nextStep(`整改到位后重新申请：办结 ${no}（写明${redo.join("、")}）`)),
    writes: [
      ...changeCase(ctx, c, { set: { state: "in_progress", submittedAt: null, ...round.set }, event: { kind: "closure_rejected", text: reason, data: { items: redo, round: c.round + 1 } }, action: "case.closure.reject", outbox: pushTo(ctx, group, 1, msg(text, quote(`请整改后重新申请：办结 ${no}`)), c.id, contacts) }),
      round.write,
    ],
  };
}

/** 同意延期 / 不同意延期: a leader decides the open extension request. */
import type { CaseRef } from "../domain/values.js";
import type { Outcome, UseCaseArgs } from "./context.js";
import { DomainError } from "./errors.js";
import { authorize, changeCase, findCase, pushTo, unitContacts, unitGroup } from "./common.js";
import { caseNo, fmtDate } from "./text.js";
import { msg, quote } from "../domain/message.js";

export type DecideExtensionInput = { ref: CaseRef; approve: true } | { ref: CaseRef; approve: false; reason: string };

export async function decideExtension({ ctx, input }: UseCaseArgs<DecideExtensionInput>): Promise<Outcome> {
  const c = await findCase(ctx, input.ref);
  authorize(ctx, "decide_extension", c);
  const tz = ctx.deps.config.timezone;
  if (!c.extRequestedDue) throw new DomainError("INVALID_TRANSITION", `${caseNo(c)} 没有待审批的延期申请。`);
  const approve = input.approve;
  const reason = input.approve ? "" : input.reason;
  const clear = { extRequestedDue: null, extReason: null, extRequestedBy: null, extRequestedAt: null };
  const text = approve
    ? `${ctx.actor.name} 同意 ${caseNo(c)} 延期至 ${fmtDate(c.extRequestedDue, tz)}`
    : `${ctx.actor.name} 不同意 ${caseNo(c)} 延期，原因：${reason}；时限仍为 ${c.dueAt ? fmtDate(c.dueAt, tz) : "未定"}`;
  return {
    caseId: c.id,
    reply: msg(text, quote(c.title)),
    writes: changeCase(ctx, c, {
      set: approve ? { ...clear, dueAt: c.extRequestedDue } : clear,
      event: approve
        ? { kind: "extension_approved", data: { from: c.dueAt, to: c.extRequestedDue } }
        : { kind: "extension_refused", text: reason, data: { requested: c.extRequestedDue } },
      action: approve ? "case.extension.approve" : "case.extension.refuse",
      outbox: pushTo(ctx, await unitGroup(ctx, c.leadUnitId), 1, msg(text, quote(c.title)), c.id, c.extRequestedBy ? [c.extRequestedBy] : await unitContacts(ctx, c.leadUnitId)),
    }),
  };
}

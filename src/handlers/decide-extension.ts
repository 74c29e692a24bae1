/** 同意延期 / 不同意延期: a leader decides the open extension request. */
import type { Command } from "../bot/commands.js";
import type { HandlerCtx, Outcome } from "./context.js";
import { DomainError } from "./errors.js";
import { authorize, changeCase, findCase, pushTo, unitContacts, unitGroup } from "./common.js";
import { caseNo, fmtDate } from "./text.js";

type Cmd = Extract<Command, { name: "approve_extension" | "refuse_extension" }>;

export async function decideExtension(ctx: HandlerCtx, cmd: Cmd): Promise<Outcome> {
  const c = await findCase(ctx, cmd.ref);
  authorize(ctx, "decide_extension", c);
  const tz = ctx.deps.config.timezone;
  if (!c.extRequestedDue) throw new DomainError("INVALID_TRANSITION", `${caseNo(c)} 没有待审批的延期申请。`);
  const approve = cmd.name === "approve_extension";
  const clear = { extRequestedDue: null, extReason: null, extRequestedBy: null, extRequestedAt: null };
  const text = approve
    ? `${ctx.actor.name} 同意 ${caseNo(c)} 延期至 ${fmtDate(c.extRequestedDue, tz)}`
    : `${ctx.actor.name} 不同意 ${caseNo(c)} 延期，原因：${(cmd as { reason: string }).reason}；时限仍为 ${c.dueAt ? fmtDate(c.dueAt, tz) : "未定"}`;
  return {
    caseId: c.id,
    reply: `${text}\n> ${c.title}`,
    writes: changeCase(ctx, c, {
      set: approve ? { ...clear, dueAt: c.extRequestedDue } : clear,
      event: approve
        ? { kind: "extension_approved", data: { from: c.dueAt, to: c.extRequestedDue } }
        : { kind: "extension_refused", text: (cmd as { reason: string }).reason, data: { requested: c.extRequestedDue } },
      action: approve ? "case.extension.approve" : "case.extension.refuse",
      outbox: pushTo(ctx, await unitGroup(ctx, c.leadUnitId), 1, `${text}\n> ${c.title}`, c.id, c.extRequestedBy ? [c.extRequestedBy] : await unitContacts(ctx, c.leadUnitId)),
    }),
  };
}

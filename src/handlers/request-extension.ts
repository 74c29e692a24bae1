/** 延期: the lead unit head asks for a new due date with a reason; one open request at a time. */
import type { CaseRef, DeadlineSpec } from "../domain/values.js";
import type { Outcome, UseCaseArgs } from "./context.js";
import { DomainError } from "./errors.js";
import { authorize, changeCase, findCase, purposeGroup, pushTo } from "./common.js";
import { resolveDue } from "./resolve.js";
import { caseNo, fmtDate, nextStep, unitName } from "./text.js";
import { buttons, msg, quote, title } from "../domain/message.js";

export type RequestExtensionInput = { ref: CaseRef; deadline: DeadlineSpec; reason: string };

export async function requestExtension({ ctx, input }: UseCaseArgs<RequestExtensionInput>): Promise<Outcome> {
  const c = await findCase(ctx, input.ref);
  authorize(ctx, "request_extension", c);
  const tz = ctx.deps.config.timezone;
  if (c.extRequestedDue) throw new DomainError("INVALID_TRANSITION", `${caseNo(c)} 已有一项延期申请（至 ${fmtDate(c.extRequestedDue, tz)}）等待领导审批，不能重复申请。`);
  const due = await resolveDue(ctx, input.deadline, `延期 ${caseNo(c)} 至 12月20日 设备到货需10天`);
  if (c.dueAt && due <= c.dueAt) throw new DomainError("BAD_INPUT", `申请的新时限 ${fmtDate(due, tz)} 不晚于现时限 ${fmtDate(c.dueAt, tz)}，无需延期。`, `延期 ${caseNo(c)} 至 12月20日 原因`);
  const units = await ctx.units();
  const leaders = c.leaderUserId ? [c.leaderUserId] : [];
  return {
    caseId: c.id,
    reply: msg(`已提交 ${caseNo(c)} 延期申请：至 ${fmtDate(due, tz)}`, `理由：${input.reason}`, nextStep("等待领导审批")),
    writes: changeCase(ctx, c, {
      set: { extRequestedDue: due, extReason: input.reason, extRequestedBy: ctx.actor.userId, extRequestedAt: ctx.now },
      event: { kind: "extension_requested", text: input.reason, data: { requestedDue: due, currentDue: c.dueAt } },
      action: "case.extension.request",
      outbox: pushTo(
        ctx,
        await purposeGroup(ctx, "command"),
        1,
        msg(
          title(`延期申请 ${caseNo(c)} ${c.title}`),
          `${unitName(units, c.leadUnitId)} 申请延至 ${fmtDate(due, tz)}${c.dueAt ? `（原 ${fmtDate(c.dueAt, tz)}）` : ""}`,
          `理由：${input.reason}`,
          quote(`领导审批：同意延期 ${caseNo(c)} 或 不同意延期 ${caseNo(c)} 原因`),
          buttons({ label: "同意", command: `同意延期 ${caseNo(c)}`, style: "primary" }, { label: "不同意", command: `不同意延期 ${caseNo(c)}`, style: "danger" }),
        ),
        c.id,
        leaders,
      ),
    }),
  };
}

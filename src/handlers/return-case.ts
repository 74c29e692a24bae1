/** 退回: the lead unit sends a case back with a reason; after the third return the office must designate (定责). */
import type { CaseRef } from "../domain/values.js";
import { MAX_RETURNS } from "../domain/lifecycle.js";
import type { Outcome, UseCaseArgs } from "./context.js";
import { DomainError } from "./errors.js";
import { authorize, changeCase, findCase, purposeGroup, pushTo } from "./common.js";
import { caseNo, nextStep, unitName } from "./text.js";
import { line, msg, quote, strong } from "../domain/message.js";

export type ReturnInput = { ref: CaseRef; reason: string };

export async function returnCase({ ctx, input }: UseCaseArgs<ReturnInput>): Promise<Outcome> {
  const c = await findCase(ctx, input.ref);
  authorize(ctx, "return", c);
  if (c.designated) throw new DomainError("INVALID_TRANSITION", `${caseNo(c)} 已退回 ${c.returnCount} 次，经督办办定责后不能再退回，请抓紧办理。`);
  const units = await ctx.units();
  const count = c.returnCount + 1;
  const last = count >= MAX_RETURNS ? `\n此案已第 ${count} 次退回，请督办办定责：改派 ${caseNo(c)} 给 单位名称（定责后不可再退回）` : "";
  const notice = msg(line(strong(`${caseNo(c)} 被退回`), ` ${c.title}`), `退回单位：${unitName(units, c.leadUnitId)}（${ctx.actor.name}）`, `原因：${input.reason}${last}`, quote(`请改派：改派 ${caseNo(c)} 给 单位名称`));
  return {
    caseId: c.id,
    reply: msg(`已退回 ${caseNo(c)} ${c.title}`, `原因：${input.reason}`, nextStep("督办办公室将改派其他单位或定责")),
    writes: changeCase(ctx, c, {
      set: { state: "returned", returnCount: count },
      event: { kind: "returned", text: input.reason, data: { fromUnitId: c.leadUnitId, count } },
      action: "case.return",
      outbox: pushTo(ctx, await purposeGroup(ctx, "command"), 1, notice, c.id),
    }),
  };
}

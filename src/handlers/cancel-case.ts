/** 撤销: the office cancels a case created by mistake, with a reason; nothing is deleted. */
import type { CaseRef } from "../domain/values.js";
import type { Outcome, UseCaseArgs } from "./context.js";
import { authorize, changeCase, findCase, pushTo, unitGroup } from "./common.js";
import { caseNo } from "./text.js";
import { line, msg, strong } from "../domain/message.js";

export type CancelInput = { ref: CaseRef; reason: string };

export async function cancelCase({ ctx, input }: UseCaseArgs<CancelInput>): Promise<Outcome> {
  const c = await findCase(ctx, input.ref);
  authorize(ctx, "cancel", c);
  const text = msg(line(strong(`${caseNo(c)} ${c.title}`), ` 已撤销（${ctx.actor.name}）`), `原因：${input.reason}`);
  return {
    caseId: c.id,
    reply: text,
    writes: changeCase(ctx, c, { set: { state: "cancelled", cancelReason: input.reason }, event: { kind: "cancelled", text: input.reason }, action: "case.cancel", outbox: pushTo(ctx, await unitGroup(ctx, c.leadUnitId), 1, text, c.id) }),
  };
}

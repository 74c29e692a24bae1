/** 撤销: the office cancels a case created by mistake, with a reason; nothing is deleted. */
import type { Command } from "../bot/commands.js";
import type { HandlerCtx, Outcome } from "./context.js";
import { authorize, changeCase, findCase, pushTo, unitGroup } from "./common.js";
import { caseNo } from "./text.js";

export async function cancelCase(ctx: HandlerCtx, cmd: Extract<Command, { name: "cancel" }>): Promise<Outcome> {
  const c = await findCase(ctx, cmd.ref);
  authorize(ctx, "cancel", c);
  const text = `**${caseNo(c)} ${c.title}** 已撤销（${ctx.actor.name}）\n原因：${cmd.reason}`;
  return {
    caseId: c.id,
    reply: text,
    writes: changeCase(ctx, c, { set: { state: "cancelled", cancelReason: cmd.reason }, event: { kind: "cancelled", text: cmd.reason }, action: "case.cancel", outbox: pushTo(ctx, await unitGroup(ctx, c.leadUnitId), 1, text, c.id) }),
  };
}

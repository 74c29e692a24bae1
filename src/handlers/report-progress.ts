/** 进展: lead or co-unit reports progress, optionally with photos marked 整改前/整改后. */
import type { Command } from "../bot/commands.js";
import type { HandlerCtx, Outcome } from "./context.js";
import { authorize, changeCase, findCase } from "./common.js";
import { caseNo, nextStep } from "./text.js";

export async function reportProgress(ctx: HandlerCtx, cmd: Extract<Command, { name: "progress" }>): Promise<Outcome> {
  const c = await findCase(ctx, cmd.ref);
  authorize(ctx, "progress", c);
  const n = ctx.uploads.length;
  const phase = cmd.phase ? (cmd.phase === "after" ? "（整改后）" : "（整改前）") : "";
  return {
    caseId: c.id,
    reply: [`已记录 ${caseNo(c)} 进展${n ? `，附件 ${n} 个${phase}` : ""}`, `> ${cmd.text}`, nextStep(`整改完成后申请办结：办结 ${caseNo(c)}（发送「帮助 办结」看格式）`)].join("\n"),
    writes: changeCase(ctx, c, { set: {}, event: { kind: "progress", text: cmd.text, data: cmd.phase ? { phase: cmd.phase } : undefined }, action: "case.progress", phase: cmd.phase }),
  };
}

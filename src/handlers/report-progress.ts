/** 进展: lead or co-unit reports progress, optionally with photos marked 整改前/整改后. */
import type { CaseRef } from "../domain/values.js";
import type { Outcome, UseCaseArgs } from "./context.js";
import { authorize, changeCase, findCase } from "./common.js";
import { caseNo, nextStep } from "./text.js";
import { msg, quote } from "../domain/message.js";

export type ProgressInput = { ref: CaseRef; text: string; phase?: "before" | "after" };

export async function reportProgress({ ctx, input }: UseCaseArgs<ProgressInput>): Promise<Outcome> {
  const c = await findCase(ctx, input.ref);
  authorize(ctx, "progress", c);
  const n = ctx.uploads.length;
  const phase = input.phase ? (input.phase === "after" ? "（整改后）" : "（整改前）") : "";
  return {
    caseId: c.id,
    reply: msg(`已记录 ${caseNo(c)} 进展${n ? `，附件 ${n} 个${phase}` : ""}`, quote(input.text), nextStep(`整改完成后申请办结：办结 ${caseNo(c)}（发送「帮助 办结」看格式）`)),
    writes: changeCase(ctx, c, { set: {}, event: { kind: "progress", text: input.text, data: input.phase ? { phase: input.phase } : undefined }, action: "case.progress", phase: input.phase }),
  };
}

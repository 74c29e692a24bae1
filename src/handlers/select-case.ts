/** A bare case number: names the case for the photos that follow, and binds any photos waiting for it. */
import type { CaseRef } from "../domain/values.js";
import { canDo } from "../domain/permissions.js";
import type { Outcome, UseCaseArgs } from "./context.js";
import { DomainError } from "./errors.js";
import { findCase } from "./common.js";
import { bindPending } from "./evidence.js";
import { caseCard, caseNo } from "./text.js";
import { msg, quote } from "../domain/message.js";

export type SelectInput = { ref: CaseRef };

export async function selectCase({ ctx, input }: UseCaseArgs<SelectInput>): Promise<Outcome> {
  const c = await findCase(ctx, input.ref);
  const bound = await bindPending(ctx, c.id);
  if (bound.count && !canDo(ctx.actor, "progress", c)) {
    throw new DomainError("FORBIDDEN", `您不是 ${caseNo(c)} 的承办单位人员，附件不能归入此案。`);
  }
  const card = caseCard(c, await ctx.units(), ctx.now, ctx.deps.config.timezone);
  return {
    caseId: c.id,
    reply: bound.count ? msg(`已将 ${bound.count} 个附件归入 ${caseNo(c)}。`, card) : msg(card, quote(`30 分钟内发送的照片将归入 ${caseNo(c)}`)),
    writes: bound.writes,
  };
}

/** 签收: the lead unit takes the case on; a second signer is told who was first (R12). */
import type { CaseRef } from "../domain/values.js";
import { people } from "../db/schema.js";
import { eq } from "drizzle-orm";
import type { Outcome, UseCaseArgs } from "./context.js";
import { DomainError } from "./errors.js";
import { authorize, changeCase, findCase, purposeGroup, pushTo } from "./common.js";
import { caseCard, caseNo, fmtDateTime, nextStep, unitName } from "./text.js";
import { msg } from "../domain/message.js";

export type AcknowledgeInput = { ref: CaseRef };

export async function acknowledgeCase({ ctx, input }: UseCaseArgs<AcknowledgeInput>): Promise<Outcome> {
  const c = await findCase(ctx, input.ref);
  if (c.acknowledgedBy && c.state !== "pending_ack") {
    const [who] = await ctx.deps.db.select({ name: people.name }).from(people).where(eq(people.userId, c.acknowledgedBy));
    throw new DomainError("INVALID_TRANSITION", `${caseNo(c)} 已由 ${who?.name ?? c.acknowledgedBy} 于 ${fmtDateTime(c.acknowledgedAt ?? c.updatedAt, ctx.deps.config.timezone)} 签收，无需重复签收。`);
  }
  authorize(ctx, "acknowledge", c);
  const units = await ctx.units();
  const officer = c.officerUserId ?? (ctx.actor.roles.includes("officer") ? ctx.actor.userId : null);
  const after = { ...c, state: "in_progress" as const };
  return {
    caseId: c.id,
    reply: msg(`${ctx.actor.name} 已签收`, caseCard(after, units, ctx.now, ctx.deps.config.timezone), nextStep(`办理中请随时报送：进展 ${caseNo(c)} 内容（可附照片）`)),
    writes: changeCase(ctx, c, {
      set: { state: "in_progress", acknowledgedAt: ctx.now, acknowledgedBy: ctx.actor.userId, officerUserId: officer },
      event: { kind: "acknowledged" },
      action: "case.acknowledge",
      outbox: pushTo(ctx, await purposeGroup(ctx, "command"), 1, msg(`${caseNo(c)} ${c.title}`, `已由${unitName(units, c.leadUnitId)} ${ctx.actor.name} 签收`), c.id),
    }),
  };
}

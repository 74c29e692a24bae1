/** 指派: the unit head names the responsible officer from their own unit. */
import type { CaseRef } from "../domain/values.js";
import type { Outcome, UseCaseArgs } from "./context.js";
import { authorize, changeCase, findCase } from "./common.js";
import { personById } from "./resolve.js";
import { caseNo, nextStep } from "./text.js";
import { officerUsage } from "./resolve.js";
import { msg } from "../domain/message.js";

/** `userId`: the officer, already resolved from what was typed (chat: src/handlers/resolve.ts resolveOfficer). */
export type AssignOfficerInput = { ref: CaseRef; userId: string };

export async function assignOfficer({ ctx, input }: UseCaseArgs<AssignOfficerInput>): Promise<Outcome> {
  const c = await findCase(ctx, input.ref);
  authorize(ctx, "assign_officer", c);
  const p = await personById(ctx, input.userId, officerUsage(caseNo(c)), (x) => x.unitId === c.leadUnitId);
  return {
    caseId: c.id,
    reply: msg(`已指派 ${p.name} 为 ${caseNo(c)} ${c.title} 的责任人`, nextStep(`${p.name} 报送进展：进展 ${caseNo(c)} 内容`)),
    writes: changeCase(ctx, c, { set: { officerUserId: p.userId }, event: { kind: "officer_assigned", text: p.name, data: { userId: p.userId } }, action: "case.assign_officer" }),
  };
}

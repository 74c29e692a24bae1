/** 指派: the unit head names the responsible officer from their own unit. */
import type { Command } from "../bot/commands.js";
import type { HandlerCtx, Outcome } from "./context.js";
import { authorize, changeCase, findCase } from "./common.js";
import { resolvePerson } from "./resolve.js";
import { caseNo, nextStep } from "./text.js";

export async function assignOfficer(ctx: HandlerCtx, cmd: Extract<Command, { name: "assign_officer" }>): Promise<Outcome> {
  const c = await findCase(ctx, cmd.ref);
  authorize(ctx, "assign_officer", c);
  const p = await resolvePerson(ctx, cmd.person, `指派 ${caseNo(c)} 给 @赵六（须为本单位人员）`, (x) => x.unitId === c.leadUnitId);
  return {
    caseId: c.id,
    reply: [`已指派 ${p.name} 为 ${caseNo(c)} ${c.title} 的责任人`, nextStep(`${p.name} 报送进展：进展 ${caseNo(c)} 内容`)].join("\n"),
    writes: changeCase(ctx, c, { set: { officerUserId: p.userId }, event: { kind: "officer_assigned", text: p.name, data: { userId: p.userId } }, action: "case.assign_officer" }),
  };
}

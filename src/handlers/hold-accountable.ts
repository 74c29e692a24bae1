/**
 * 问责: the accountability group or a leader records how officials were held to account for a case (约谈, 通报批评 …),
 * usually after an overdue escalation (issue 11). The outcome is kept on the case (shown in the dossier, exported in
 * 责任人被处理情况), on the timeline, and told to the unit's group.
 */
import type { CaseRef } from "../domain/values.js";
import type { AccountabilityEntry } from "../db/schema.js";
import type { Outcome, UseCaseArgs } from "./context.js";
import { DomainError } from "./errors.js";
import { authorize, changeCase, findCase, purposeGroup, pushTo, unitGroup } from "./common.js";
import { caseNo, fmtDate } from "./text.js";
import { line, msg, quote, strong, title } from "../domain/message.js";

export type HoldAccountableInput = { ref: CaseRef; action?: string; text: string };

export const MAX_ACCOUNTABILITY_TEXT = 500;

export async function holdAccountable({ ctx, input }: UseCaseArgs<HoldAccountableInput>): Promise<Outcome> {
  const c = await findCase(ctx, input.ref);
  authorize(ctx, "hold_accountable", c);
  const text = input.text.trim();
  if (!text) throw new DomainError("BAD_INPUT", "问责需要写明处理方式和对象。", "例如：问责 #12 约谈 荷花池街道分管负责人");
  if (text.length > MAX_ACCOUNTABILITY_TEXT) throw new DomainError("BAD_INPUT", `问责说明不能超过 ${MAX_ACCOUNTABILITY_TEXT} 个字。`);
  const entry: AccountabilityEntry = { at: ctx.now, by: ctx.actor.userId, ...(input.action ? { action: input.action } : {}), text };
  const tz = ctx.deps.config.timezone;
  const news = msg(title(`问责 ${caseNo(c)} ${c.title}`), line(strong(text)), quote(`${ctx.actor.name} · ${fmtDate(ctx.now, tz)} 记录`));
  const [unit, command] = [await unitGroup(ctx, c.leadUnitId), await purposeGroup(ctx, "command")];
  return {
    caseId: c.id,
    reply: msg(line(`已记录 ${caseNo(c)} 的问责情况：`, strong(text)), quote("将在案件档案和导出表「责任人被处理情况」中显示。")),
    writes: changeCase(ctx, c, {
      set: { accountabilityLog: [...(c.accountabilityLog ?? []), entry] },
      event: { kind: "accountability", text, data: input.action ? { action: input.action } : undefined },
      action: "case.hold_accountable",
      outbox: [...pushTo(ctx, unit, 1, news, c.id), ...pushTo(ctx, command, 2, news, c.id)],
    }),
  };
}

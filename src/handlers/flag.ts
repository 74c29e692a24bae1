/** 挂牌 / 摘牌: a leader puts a case under 挂牌督办 (daily reminders, shown first) or lifts it. */
import type { CaseRef } from "../domain/values.js";
import type { Outcome, UseCaseArgs } from "./context.js";
import { DomainError } from "./errors.js";
import { authorize, changeCase, findCase, pushTo, unitContacts, unitGroup } from "./common.js";
import { caseNo } from "./text.js";
import { line, msg, strong } from "../domain/message.js";

/** `on`: 挂牌 (true) or 摘牌 (false). */
export type FlagInput = { ref: CaseRef; on: boolean };

export async function flagCase({ ctx, input }: UseCaseArgs<FlagInput>): Promise<Outcome> {
  const c = await findCase(ctx, input.ref);
  authorize(ctx, "flag", c);
  const on = input.on;
  if (c.flagged === on) throw new DomainError("INVALID_TRANSITION", `${caseNo(c)} ${on ? "已是挂牌督办案件" : "未挂牌，无需摘牌"}。`);
  const text = msg(line(strong(`${caseNo(c)} ${c.title}`), on ? ` 已由${ctx.actor.name}挂牌督办，每个工作日提醒直至办结。` : ` 已由${ctx.actor.name}摘牌。`));
  return {
    caseId: c.id,
    reply: text,
    writes: changeCase(ctx, c, {
      set: { flagged: on, leaderUserId: on ? (c.leaderUserId ?? ctx.actor.userId) : c.leaderUserId },
      event: { kind: on ? "flagged" : "unflagged" },
      action: on ? "case.flag" : "case.unflag",
      outbox: pushTo(ctx, await unitGroup(ctx, c.leadUnitId), 1, text, c.id, on ? await unitContacts(ctx, c.leadUnitId) : []),
    }),
  };
}

/** 催办: one immediate reminder to the lead unit, at most once per case per policy interval. */
import type { CaseRef } from "../domain/values.js";
import { loadPolicy } from "../db/policy.js";
import { isOverdue } from "../domain/lifecycle.js";
import { STATE_LABEL } from "../domain/labels.js";
import type { Outcome, UseCaseArgs } from "./context.js";
import { DomainError } from "./errors.js";
import { authorize, changeCase, findCase, pushTo, unitContacts, unitGroup } from "./common.js";
import { caseNo, fmtDate, fmtDateTime, unitName } from "./text.js";
import { buttons, line, msg, quote, title } from "../domain/message.js";

export type ChaseInput = { ref: CaseRef };

export async function chaseCase({ ctx, input }: UseCaseArgs<ChaseInput>): Promise<Outcome> {
  const c = await findCase(ctx, input.ref);
  authorize(ctx, "chase", c);
  const policy = await loadPolicy(ctx.deps.db);
  const tz = ctx.deps.config.timezone;
  const wait = (c.lastChasedAt ?? -Infinity) + policy.chaseMinIntervalMinutes * 60_000 - ctx.now;
  if (wait > 0) throw new DomainError("RATE_LIMITED", `${caseNo(c)} 已于 ${fmtDateTime(c.lastChasedAt!, tz)} 催办过，请 ${Math.ceil(wait / 60_000)} 分钟后再催。`, undefined, wait);
  const units = await ctx.units();
  const group = await unitGroup(ctx, c.leadUnitId);
  const due = c.dueAt ? `时限 ${fmtDate(c.dueAt, tz)}${isOverdue(c, ctx.now) ? "，已逾期" : ""}` : "";
  const ask = c.state === "pending_ack" ? `请立即签收：签收 ${caseNo(c)}` : `请报送进展：进展 ${caseNo(c)} 内容`;
  const text = [title(`催办 ${caseNo(c)} ${c.title}`), line(`${STATE_LABEL[c.state]}　${due}`), quote(`${ask}（${ctx.actor.name}）`)];
  const sign = c.state === "pending_ack" && buttons({ label: "签收", command: `签收 ${caseNo(c)}`, style: "primary" });
  const push = pushTo(ctx, group, 1, msg(text, sign), c.id, [c.officerUserId ?? "", ...(await unitContacts(ctx, c.leadUnitId))]);
  return {
    caseId: c.id,
    reply: group ? `已向${unitName(units, c.leadUnitId)}催办 ${caseNo(c)}。` : msg(text, `（${unitName(units, c.leadUnitId)}尚未绑定群聊，请通知其负责人）`),
    writes: changeCase(ctx, c, { set: { lastChasedAt: ctx.now }, event: { kind: "chased" }, action: "case.chase", outbox: push }),
  };
}

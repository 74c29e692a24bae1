/** 查: one case in full — card, content, people, 四不放过 checklist and the latest timeline entries. */
import { and, count, desc, eq, ne } from "drizzle-orm";
import type { CaseRef } from "../domain/values.js";
import { attachments, caseEvents } from "../db/schema.js";
import { directory } from "../db/directory-cache.js";
import { complainantNames, maskKnownNames } from "../domain/pii.js";
import type { Outcome, UseCaseArgs } from "./context.js";
import { findCase } from "./common.js";
import { casePhotoChecks, flagLines } from "./photo-flags.js";
import { caseCard, fmtDateTime, unitName } from "./text.js";
import { msg, quote } from "../domain/message.js";

const EVENT_LABEL: Record<string, string> = {
  created: "交办", acknowledged: "签收", returned: "退回", reassigned: "改派", officer_assigned: "指派", progress: "进展",
  extension_requested: "申请延期", extension_approved: "同意延期", extension_refused: "不同意延期", closure_submitted: "申请办结",
  closure_approved: "审核通过", closure_rejected: "驳回", flagged: "挂牌", unflagged: "摘牌", chased: "催办", patrol_ok: "巡查正常",
  rebound: "反弹", cancelled: "撤销", evidence: "附件", note: "备注", reminder: "提醒",
};

export type QueryInput = { ref: CaseRef };

export async function queryCase({ ctx, input }: UseCaseArgs<QueryInput>): Promise<Outcome> {
  const c = await findCase(ctx, input.ref);
  const { db } = ctx.deps;
  const tz = ctx.deps.config.timezone;
  const units = await ctx.units();
  // Scheduled reminders are not handling: they stay out of 最近动态 (issue 10 item 6).
  const events = await db.select().from(caseEvents).where(and(eq(caseEvents.caseId, c.id), ne(caseEvents.kind, "reminder"))).orderBy(desc(caseEvents.id)).limit(5);
  const [{ n: files }] = await db.select({ n: count() }).from(attachments).where(eq(attachments.caseId, c.id));
  const { names } = await directory(db);
  const who = (id: string | null) => (id ? (names.get(id) ?? id) : "未指定");
  const checks = await casePhotoChecks(ctx, c);
  const flags = flagLines(checks, tz);
  const unchecked = checks.filter((p) => p.notes.includes("unchecked")).length;
  const bare = checks.filter((p) => p.notes.includes("no_metadata")).length;
  const photoNote = [unchecked ? `${unchecked} 张未能检查` : "", bare ? `${bare} 张无拍摄时间和地点信息` : ""].filter(Boolean).join("，");
  const tick = (ok: unknown) => (ok ? "✔" : "✘");
  // R39: a group sees the complainant's name masked even where the text names them without a marker; the
  // pipeline masks the numbers and marked names of every group reply.
  const known = ctx.chat.type === "group" ? complainantNames(c.complainant) : [];
  const content = maskKnownNames(c.content, known); // masked before it is cut, so no half name survives
  const clip40 = (t: string) => (t.length > 40 ? `${t.slice(0, 40)}…` : t);
  const lines = [
    caseCard(c, units, ctx.now, tz),
    c.externalNo ? `受理编号：${c.externalNo}　来源：${c.source}` : `来源：${c.source}`,
    `问题：${content.length > 120 ? `${content.slice(0, 120)}…` : content}`,
    c.coUnitIds.length ? `配合：${c.coUnitIds.map((id) => unitName(units, id)).join("、")}` : "",
    `责任人：${who(c.officerUserId)}　包案领导：${who(c.leaderUserId)}`,
    c.extRequestedDue ? `延期申请：待审批（${fmtDateTime(c.extRequestedDue, tz)}）` : "",
    `四不放过${c.round > 1 ? `（第${c.round}轮，只计本轮）` : ""}：查清${tick(c.verdict)} 整改${tick(c.rectification)} 责任${tick(c.accountabilityAction)} 满意${tick(c.callbackResult)}　附件 ${files} 个　反弹 ${c.reboundCount} 次`,
    // Issue 10: each flagged photo with its evidence; a finding for the reviewer, not a verdict.
    ...(flags.length ? ["照片核查（请核实）：", ...flags.map((l) => quote(l))] : []),
    !flags.length && checks.length ? `照片核查：未发现异常${photoNote ? `（${photoNote}）` : ""}` : "",
    "最近动态：",
    ...events.map((e) => quote(`${fmtDateTime(e.at, tz)} ${who(e.actorUserId)} ${EVENT_LABEL[e.kind] ?? e.kind}${e.text ? `：${clip40(maskKnownNames(e.text, known))}` : ""}`)),
  ];
  return { caseId: c.id, reply: msg(...lines), writes: [] };
}

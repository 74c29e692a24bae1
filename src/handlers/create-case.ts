/** 交办: the office hands a new case to a lead unit (and co-units) with a deadline. */
import { eq } from "drizzle-orm";
import type { DeadlineSpec, Priority } from "../domain/values.js";
import { cases } from "../db/schema.js";
import { CASE_ID, insertAudit, insertEvent, insertOutbox, newToken } from "../db/write.js";
import { boundInsert } from "../db/bound.js";
import { loadPolicy } from "../db/policy.js";
import { canCreate } from "../domain/permissions.js";
import { complainantNames, stripPii } from "../domain/pii.js";
import { inferPollutionTypes } from "../domain/pollution-infer.js";
import type { Outcome, UseCaseArgs } from "./context.js";
import { DomainError } from "./errors.js";
import { attachUploads } from "./evidence.js";
import { pushTo, unitContacts, unitGroup } from "./common.js";
import { ASSIGN_USAGE as USAGE, defaultDeadlines, personById, resolveDue, unitById } from "./resolve.js";
import { fmtDate, fmtDateTime, nextStep, titleOf } from "./text.js";
import { buttons, line, msg, quote, strong, title as heading, warn } from "../domain/message.js";


/** Units and the 包案 leader by id: names typed in chat are resolved before (src/handlers/resolve.ts assignTargets). */
export type CreateCaseInput = {
  content: string;
  leadUnitId: number;
  coUnitIds: number[];
  deadline?: DeadlineSpec;
  leaderUserId?: string;
  priority: Priority;
  externalNo?: string;
  complainant?: string; // name and contact, kept out of content and title (R40)
  address?: string; // 地址 …
  area?: string; // 区域 … (行政区域)
  /** 污染类型; inferred from the complaint's words when not given (issue 11: chat cases used to export blank). */
  pollutionTypes?: string[];
};

export async function createCase({ ctx, input: cmd }: UseCaseArgs<CreateCaseInput>): Promise<Outcome> {
  if (!canCreate(ctx.actor)) throw new DomainError("FORBIDDEN", "只有督办员或领导可以交办案件。");
  const { db } = ctx.deps;
  const lead = await unitById(ctx, cmd.leadUnitId, USAGE);
  const co: typeof lead[] = [];
  for (const id of cmd.coUnitIds) {
    const u = await unitById(ctx, id, USAGE);
    if (u.id !== lead.id && !co.some((x) => x.id === u.id)) co.push(u);
  }
  const leader = cmd.leaderUserId ? await personById(ctx, cmd.leaderUserId, USAGE, (p) => p.roles.includes("leader")) : undefined;
  if (cmd.externalNo) {
    const [dup] = await db.select({ id: cases.id }).from(cases).where(eq(cases.externalNo, cmd.externalNo.toUpperCase()));
    if (dup) throw new DomainError("BAD_INPUT", `受理编号 ${cmd.externalNo} 已是案件 #${dup.id}，未重复交办。`, `查 #${dup.id}`);
  }
  const policy = await loadPolicy(db);
  const defaults = await defaultDeadlines(ctx, policy, cmd.priority === "urgent");
  const dueAt = cmd.deadline ? await resolveDue(ctx, cmd.deadline, USAGE) : defaults.dueAt;
  // Kept on the created event so a deadline in working days can be recomputed when a year's holiday plan is loaded (issue 14).
  const dueSpec = cmd.deadline ?? { kind: "days" as const, n: policy.defaultDueWorkingDays, working: true };
  const ackBy = Math.min(defaults.ackBy, dueAt);
  const urgent = cmd.priority === "urgent";

  const token = newToken();
  const ref = { token };
  const tz = ctx.deps.config.timezone;
  // R39/R40(a): the title goes to every group; it is cut from the complaint without its names and numbers.
  const title = titleOf(stripPii(cmd.content, complainantNames(cmd.complainant))) || "交办问题";
  const ackText = urgent ? warn(`${fmtDateTime(ackBy, tz)}（紧急）`) : fmtDate(ackBy, tz);
  const coText = co.length ? `，配合：${co.map((u) => u.name).join("、")}` : "";
  const head = [heading(`新交办 #${CASE_ID} ${title}`), line(`牵头：${lead.name}${coText}`), line("签收时限：", ackText, `　办结时限：${fmtDate(dueAt, tz)}`)];
  const notice = msg(head, quote(`请发送：签收 #${CASE_ID}　（不属于本单位请发送：退回 #${CASE_ID} 原因）`), buttons({ label: "签收", command: `签收 #${CASE_ID}`, style: "primary" }));
  const coNotice = msg(head, quote(`请配合牵头单位办理，进展可发送：进展 #${CASE_ID} 内容`));
  const pushes = [
    ...pushTo(ctx, await unitGroup(ctx, lead.id), 1, notice, 0, await unitContacts(ctx, lead.id)),
    ...(await Promise.all(co.map(async (u, i) => pushTo(ctx, await unitGroup(ctx, u.id), i + 2, coNotice, 0, await unitContacts(ctx, u.id))))).flat(),
  ];
  return {
    caseToken: token,
    reply: msg(
      line("已交办 ", strong(`#${CASE_ID} ${title}`)),
      `牵头：${lead.name}${coText}`,
      line("签收时限：", ackText, `　办结时限：${fmtDate(dueAt, tz)}`),
      leader ? `包案领导：${leader.name}` : "",
      cmd.complainant ? "来电人信息已单独保存，不在群消息中显示" : "",
      nextStep(`等待${lead.name}签收（签收 #${CASE_ID}）`),
    ),
    writes: [
      boundInsert(db, "case create", cases, {
        externalNo: cmd.externalNo?.toUpperCase() ?? null,
        // Cases typed in chat: a leader's are 领导交办; the office's own finds are 巡查自查. Imports carry their real source.
        source: ctx.actor.roles.includes("leader") ? "领导交办" : "巡查自查",
        title,
        content: cmd.content,
        complainant: cmd.complainant ?? null, // read only through the audited reveal, cleared by retention (R40)
        address: cmd.address ?? null,
        area: cmd.area ?? null,
        pollutionTypes: cmd.pollutionTypes ?? inferPollutionTypes(cmd.content),
        leadUnitId: lead.id,
        coUnitIds: co.map((u) => u.id),
        leaderUserId: leader?.userId ?? null,
        priority: cmd.priority,
        state: "pending_ack",
        ackBy,
        dueAt,
        createdBy: ctx.actor.userId,
        createdAt: ctx.now,
        updatedAt: ctx.now,
        writeToken: token,
      }),
      insertEvent(db, { caseId: ref, at: ctx.now, actor: ctx.actor.userId, kind: "created", text: cmd.content, data: { leadUnitId: lead.id, coUnitIds: co.map((u) => u.id), dueAt, ackBy, dueSpec } }),
      insertAudit(db, { at: ctx.now, actor: ctx.actor.userId, action: "case.create", object: { caseToken: token }, result: "ok", source: ctx.source }),
      ...attachUploads(ctx, ref),
      ...pushes.map((p) => insertOutbox(db, { ...p, caseId: ref })),
    ],
  };
}

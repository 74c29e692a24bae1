/**
 * 办结 (申请办结): accepted only when all four of 四不放过 are recorded for the current handling round (spec §2.2);
 * otherwise the missing items are listed. A new round (反弹, 改派, 驳回) starts with its items cleared, so a bare
 * 办结 cannot resubmit an earlier round's answers or photos.
 */
import type { CaseRef, ClosureFields } from "../domain/values.js";
import { insertAudit } from "../db/write.js";
import { missingForClosure } from "../domain/closure-gate.js";
import type { Outcome, UseCaseArgs } from "./context.js";
import { attachUploads } from "./evidence.js";
import { authorize, changeCase, findCase, purposeGroup, pushTo, type CaseRow } from "./common.js";
import { casePhotoChecks, currentRound, flagLines } from "./photo-flags.js";
import { resolveDue } from "./resolve.js";
import { currentAfterPhotos, missingLines, roundNote } from "./rounds.js";
import { caseNo, fmtDate, nextStep } from "./text.js";
import { buttons, line, msg, quote, strong, title } from "../domain/message.js";

export const CLOSURE_EXAMPLE = (no: string) => `办结 ${no}\n核查：属实，经现场核实……\n整改：已……\n分类：限期整改\n责任：约谈……，责令整改\n回访：满意`;

/** What the current round already holds (items a 驳回 did not name; nothing after 反弹 or 改派). */
function stored(c: CaseRow): ClosureFields {
  const f: ClosureFields = {
    finding: c.finding ?? undefined,
    verdict: c.verdict ?? undefined,
    rectification: c.rectification ?? undefined,
    handlingClass: c.handlingClass ?? undefined,
    accountability: c.accountableParty ?? undefined,
    accountabilityAction: (c.accountabilityAction as ClosureFields["accountabilityAction"]) ?? undefined,
    penaltyAmount: c.penaltyAmount ?? undefined,
    callbackResult: c.callbackResult ?? undefined,
    callbackNote: c.callbackNote ?? undefined,
  };
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)) as ClosureFields;
}

/** 通过 only when no photo was flagged (the leader must look at them and type a note); 驳回 asks for the reason by reply. */
const reviewButtons = (no: string, flagged: boolean) =>
  buttons(...(flagged ? [] : [{ label: "通过", command: `通过 ${no}`, style: "primary" as const }]), { label: "驳回", command: `驳回 ${no}`, style: "danger" });

export type SubmitClosureInput = { ref: CaseRef; fields: ClosureFields };

export async function submitClosure({ ctx, input }: UseCaseArgs<SubmitClosureInput>): Promise<Outcome> {
  const c = await findCase(ctx, input.ref);
  authorize(ctx, "submit_closure", c);
  const f: ClosureFields = { ...stored(c), ...Object.fromEntries(Object.entries(input.fields).filter(([, v]) => v !== undefined)) };
  const afterPhotos = (await currentAfterPhotos(ctx.deps.db, c)) + ctx.uploads.filter((u) => u.kind === "image").length;
  const missing = missingForClosure({ ...f, afterPhotos });
  const no = caseNo(c);
  if (missing.length) {
    // Refused as a whole: no gate field is saved. Photos sent along are still kept as after-photos.
    const kept = ctx.uploads.length ? `\n（本次 ${ctx.uploads.length} 张照片已作为整改后照片保存）` : "";
    return {
      caseId: c.id,
      reply: msg(line(strong(`${no} 暂不能申请办结`), `，按"四不放过"还缺：`), ...missingLines(missing, no), roundNote(c), kept, quote("请补齐后一次发送："), CLOSURE_EXAMPLE(no)),
      writes: [
        ...attachUploads(ctx, c.id, "after"),
        insertAudit(ctx.deps.db, { at: ctx.now, actor: ctx.actor.userId, action: "case.closure.submit", object: `case:${c.id}`, result: "denied", source: ctx.source, detail: { missing: missing.map((m) => m.item) } }),
      ],
    };
  }
  const outcome = f.outcome ?? "closed";
  const milestoneAt = outcome === "staged" && f.milestone ? await resolveDue(ctx, f.milestone, `${no} 节点：12月30日`) : null;
  const tz = ctx.deps.config.timezone;
  const summary = `核查：${f.verdict}｜分类：${f.handlingClass}｜责任：${f.accountabilityAction}｜回访：${f.callbackResult}${milestoneAt ? `｜阶段性办结，下一节点 ${fmtDate(milestoneAt, tz)}` : ""}`;
  // Issue 10: the photo checks travel with the submission to the leader (and the daily digest reads them back).
  const photoFlags = flagLines(currentRound(await casePhotoChecks(ctx, c, ctx.uploads, "after", ctx.now), c.round), tz);
  const flagBlocks = photoFlags.length ? [line("照片核查（供审核参考，请核实）："), ...photoFlags.map((l) => quote(l))] : [];
  const approveHint = photoFlags.length ? `通过 ${no} 已现场核实（注明核实情况）` : `通过 ${no}`;
  return {
    caseId: c.id,
    reply: msg(`已提交 ${no} ${c.title} 办结申请`, summary, flagBlocks, nextStep(`等待领导审核：${approveHint} 或 驳回 ${no} 原因`)),
    writes: changeCase(ctx, c, {
      set: {
        state: "pending_review",
        submittedAt: ctx.now,
        finding: f.finding,
        verdict: f.verdict,
        rectification: f.rectification,
        handlingClass: f.handlingClass,
        accountableParty: f.accountability,
        accountabilityAction: f.accountabilityAction,
        penaltyAmount: f.penaltyAmount ?? null,
        callbackResult: f.callbackResult,
        callbackNote: f.callbackNote ?? null,
        outcome,
        milestoneAt,
      },
      event: { kind: "closure_submitted", text: summary, data: { ...f, milestoneAt, ...(photoFlags.length ? { photoFlags } : {}) } },
      action: "case.closure.submit",
      phase: "after",
      outbox: pushTo(ctx, await purposeGroup(ctx, "command"), 1, msg(title(`办结待审 ${no} ${c.title}`), summary, flagBlocks, quote(`领导审核：${approveHint} 或 驳回 ${no} 原因`), reviewButtons(no, photoFlags.length > 0)), c.id, c.leaderUserId ? [c.leaderUserId] : []),
    }),
  };
}

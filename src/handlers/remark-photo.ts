/**
 * 照片 #12 第2张 改为整改后: re-mark photos already sent (issue 10 item 5). Photos are numbered in the order the
 * case received them, as 查 #N and the case page show them. One batch: case version + timeline + audit + rows.
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import type { CaseRef } from "../domain/values.js";
import { attachments } from "../db/schema.js";
import type { BatchItem } from "../db/write.js";
import { canDo } from "../domain/permissions.js";
import type { HandlerCtx, Outcome, UseCaseArgs } from "./context.js";
import { changeCase, findCase, type CaseRow } from "./common.js";
import { DomainError } from "./errors.js";
import { caseNo } from "./text.js";
import { msg, quote } from "../domain/message.js";

const WORD = { before: "整改前", after: "整改后" } as const;

/** The shared step of chat and dashboard: check, then the writes and a one-line summary. */
export async function remarkWrites(ctx: HandlerCtx, c: CaseRow, nos: number[], phase: "before" | "after"): Promise<{ writes: BatchItem[]; summary: string }> {
  const no = caseNo(c);
  // Lead unit and the office: the same people who may report on the case after closure (巡查).
  if (!canDo(ctx.actor, "patrol", c)) throw new DomainError("FORBIDDEN", `您没有权限更改 ${no} 的照片标记（仅限牵头单位和督办办）。`);
  if (c.state === "closed" || c.state === "cancelled") throw new DomainError("INVALID_TRANSITION", `${no} 已${c.state === "closed" ? "办结" : "撤销"}，照片标记不能再改。`);
  const photos = await ctx.deps.db
    .select({ id: attachments.id, phase: attachments.phase })
    .from(attachments)
    .where(and(eq(attachments.caseId, c.id), eq(attachments.kind, "image")))
    .orderBy(asc(attachments.id));
  if (photos.length === 0) throw new DomainError("BAD_INPUT", `${no} 还没有照片。`, `发送照片时附「整改后」，例如先发「进展 ${no} 整改后」再发照片。`);
  const bad = nos.filter((n) => n > photos.length);
  if (bad.length) throw new DomainError("BAD_INPUT", `${no} 共有 ${photos.length} 张照片，没有第${bad.join("、")}张。`, `照片 ${no} 第1张 改为${WORD[phase]}`);
  const ids = nos.map((n) => photos[n - 1].id);
  const summary = `第${nos.join("、")}张照片改为${WORD[phase]}`;
  return {
    summary,
    writes: [
      ...changeCase(ctx, c, { set: {}, event: { kind: "evidence", text: summary, data: { remark: { attachmentIds: ids, phase } } }, action: "case.evidence.remark" }),
      ctx.deps.db.update(attachments).set({ phase }).where(and(eq(attachments.caseId, c.id), inArray(attachments.id, ids))),
    ],
  };
}

export type RemarkPhotoInput = { ref: CaseRef; nos: number[]; phase: "before" | "after" };

export async function remarkPhoto({ ctx, input }: UseCaseArgs<RemarkPhotoInput>): Promise<Outcome> {
  const c = await findCase(ctx, input.ref);
  const { writes, summary } = await remarkWrites(ctx, c, input.nos, input.phase);
  return { caseId: c.id, reply: msg(`已将 ${caseNo(c)} ${summary}。`, quote(`发送「查 ${caseNo(c)}」可看照片核查结果`)), writes };
}

/** Evidence (spec §2.3): store uploads with their SHA-256, attach them to a case, or keep them pending. */
import { and, eq, gte, isNull } from "drizzle-orm";
import { attachments, chatContext, cases } from "../db/schema.js";
import { caseIdSql, insertAudit, insertEvent, type BatchItem, type CaseIdRef } from "../db/write.js";
import type { Deps } from "../deps.js";
import { imageProblem, MAX_UPLOAD_BYTES, sniff } from "../domain/file-type.js";
import { photoFacts } from "../domain/photo-facts.js";
import { phaseFromText } from "../domain/photo-phase.js";
import { canDo } from "../domain/permissions.js";
import type { HandlerCtx, Outcome, StoredUpload, Upload, UseCaseArgs } from "./context.js";
import { DomainError } from "./errors.js";
import { caseNo } from "./text.js";
import { msg, quote } from "../domain/message.js";

export type { StoredUpload, Upload } from "./context.js";

/** Minutes within which a photo binds to the case its sender last named in that chat. */
export const BIND_WINDOW_MS = 30 * 60_000;

/** Validate by magic bytes and size, then store under a server-generated key. */
export async function storeUpload(deps: Pick<Deps, "files">, u: Upload, now: number): Promise<StoredUpload> {
  if (u.bytes.byteLength === 0) throw new DomainError("BAD_INPUT", "收到的文件是空的，请重新发送。");
  if (u.bytes.byteLength > MAX_UPLOAD_BYTES) throw new DomainError("BAD_INPUT", "文件超过 10 MB，请压缩后重新发送。");
  const t = sniff(u.bytes);
  if (!t) throw new DomainError("BAD_INPUT", "只接受 JPG、PNG、WebP 照片，MP4 视频和 PDF、Office 文件，请换一种格式发送。");
  const problem = imageProblem(u.bytes, t);
  if (problem) throw new DomainError("BAD_INPUT", problem);
  const d = new Date(now);
  const key = `evidence/${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, "0")}/${crypto.randomUUID()}.${t.ext}`;
  // Read from the untouched original, before any copy loses its metadata; never fails the upload (issue 10).
  const facts = t.image ? await photoFacts(u.bytes, t.mime) : undefined;
  const stored = await deps.files.put(key, u.bytes, t.mime);
  return { kind: t.image ? "image" : "file", mime: t.mime, size: stored.size, sha256: stored.sha256, storageKey: key, fileName: u.name, facts };
}

/**
 * Attachment rows for this message's uploads; `caseId` null keeps them pending. The audit row records each file's
 * SHA-256 at receipt, so the stored original can later be shown to be the one received (R37).
 */
export function attachUploads(ctx: HandlerCtx, caseId: CaseIdRef | null, phase?: "before" | "after"): BatchItem[] {
  if (ctx.uploads.length === 0) return [];
  const object = caseId === null ? undefined : typeof caseId === "number" ? `case:${caseId}` : { caseToken: caseId.token };
  return [
    insertAudit(ctx.deps.db, {
      at: ctx.now,
      actor: ctx.actor.userId,
      action: "evidence.receive",
      object,
      result: "ok",
      source: ctx.source,
      detail: { files: ctx.uploads.map((u) => ({ sha256: u.sha256, size: u.size, mime: u.mime })) },
    }),
    ctx.deps.db.insert(attachments).values(
      ctx.uploads.map((u) => ({
        caseId: caseId === null ? null : (caseIdSql(caseId) as number),
        kind: u.kind,
        mime: u.mime,
        size: u.size,
        sha256: u.sha256,
        storageKey: u.storageKey,
        fileName: u.fileName ?? null,
        phase: phase ?? null,
        uploaderUserId: ctx.actor.userId,
        chatId: ctx.chat.chatId,
        createdAt: ctx.now,
        ...u.facts,
      })),
    ),
  ];
}

/** Photos sent earlier without a case, waiting in this chat for this sender to name one. */
export async function pendingUploads(ctx: HandlerCtx) {
  return ctx.deps.db
    .select({ id: attachments.id, sha256: attachments.sha256 })
    .from(attachments)
    .where(and(isNull(attachments.caseId), eq(attachments.chatId, ctx.chat.chatId), eq(attachments.uploaderUserId, ctx.actor.userId)));
}

/** Bind pending photos to a case the sender may report on: rows updated + one evidence event + audit. */
export async function bindPending(ctx: HandlerCtx, caseId: number): Promise<{ writes: BatchItem[]; count: number }> {
  const pending = await pendingUploads(ctx);
  if (pending.length === 0) return { writes: [], count: 0 };
  const { db } = ctx.deps;
  return {
    count: pending.length,
    writes: [
      db.update(attachments).set({ caseId }).where(and(isNull(attachments.caseId), eq(attachments.chatId, ctx.chat.chatId), eq(attachments.uploaderUserId, ctx.actor.userId))),
      insertEvent(db, { caseId, at: ctx.now, actor: ctx.actor.userId, kind: "evidence", text: `补充 ${pending.length} 个附件`, data: { files: pending.map((p) => p.sha256) } }),
      insertAudit(db, { at: ctx.now, actor: ctx.actor.userId, action: "case.evidence", object: `case:${caseId}`, result: "ok", source: ctx.source, detail: { count: pending.length } }),
    ],
  };
}

/**
 * A message with photos and no command: bind to the case named within 30 minutes, else ask which case. Words sent
 * with the photos mark their phase (整改后 / 整改前 …); photos following a 办结 (case awaiting review) are after-photos.
 */
/** `caption`: the words sent with the photos, if any. */
export type EvidenceInput = { caption?: string };

export async function receiveEvidence({ ctx, input }: UseCaseArgs<EvidenceInput>): Promise<Outcome> {
  const { caption } = input;
  const { db } = ctx.deps;
  const [recent] = await db
    .select()
    .from(chatContext)
    .where(and(eq(chatContext.chatId, ctx.chat.chatId), eq(chatContext.userId, ctx.actor.userId), gte(chatContext.at, ctx.now - BIND_WINDOW_MS)));
  const n = ctx.uploads.length;
  // A case number in the words sent with the photos ("照片 #12 整改后") names the case outright.
  const named = /[#＃](\d{1,9})/.exec(caption ?? "");
  const caseId = named ? Number(named[1]) : recent?.caseId;
  if (caseId !== undefined) {
    const [c] = await db.select().from(cases).where(eq(cases.id, caseId));
    if (c && canDo(ctx.actor, "progress", c) && c.state !== "cancelled") {
      const phase = phaseFromText(caption) ?? (c.state === "pending_review" ? "after" : undefined);
      const label = phase ? `（${phase === "after" ? "整改后" : "整改前"}）` : "";
      return {
        caseId: c.id,
        reply: msg(
          `已将 ${n} 个附件归入 ${caseNo(c)} ${c.title}${label}。`,
          quote(phase ? `如需更正，例如：照片 ${caseNo(c)} 第1张 改为整改${phase === "after" ? "前" : "后"}` : `整改后的照片请注明，例如发送照片时附「整改后」，或：照片 ${caseNo(c)} 第1张 改为整改后`),
        ),
        writes: [
          ...attachUploads(ctx, c.id, phase),
          insertEvent(db, { caseId: c.id, at: ctx.now, actor: ctx.actor.userId, kind: "evidence", text: `上传 ${n} 个附件`, data: { files: ctx.uploads.map((u) => u.sha256) } }),
          insertAudit(db, { at: ctx.now, actor: ctx.actor.userId, action: "case.evidence", object: `case:${c.id}`, result: "ok", source: ctx.source, detail: { count: n } }),
        ],
      };
    }
  }
  return {
    reply: msg(`已收到 ${n} 个附件，请问属于哪个案件？`, quote("请回复案件号，例如：#12（附件已暂存，不会丢失）")),
    writes: [...attachUploads(ctx, null), insertAudit(db, { at: ctx.now, actor: ctx.actor.userId, action: "evidence.pending", result: "ok", source: ctx.source, detail: { count: n } })],
  };
}

/** Shared steps of the use cases: find the case, authorise, check the transition, build the one atomic write. */
import { and, eq, sql } from "drizzle-orm";
import type { CaseRef } from "../domain/values.js";
import type { Content } from "../domain/message.js";
import { targetOf } from "../domain/targets.js";
import { cases, groups } from "../db/schema.js";
import { insertAudit, insertEvent, insertOutbox, newToken, updateCase, type BatchItem, type OutboxInput } from "../db/write.js";
import { prepared } from "../db/prepared.js";
import type { EventKind } from "../db/schema.js";
import { ALLOWED_IN, type CaseAction } from "../domain/lifecycle.js";
import { canDo, canView, WHO_MAY } from "../domain/permissions.js";
import { STATE_LABEL } from "../domain/labels.js";
import type { CaseRow, GroupRow, HandlerCtx } from "./context.js";
import { DomainError } from "./errors.js";
import { attachUploads } from "./evidence.js";
import { caseNo } from "./text.js";

export type { CaseRow } from "./context.js";

const refText = (ref: CaseRef) => (ref.kind === "id" ? `#${ref.id}` : ref.no);

/** Load a case the actor may see; a case outside their scope looks exactly like a missing one. */
export async function findCase(ctx: HandlerCtx, ref: CaseRef): Promise<CaseRow> {
  const { db } = ctx.deps;
  const [c] =
    ref.kind === "id"
      ? await prepared(db, "case by id", () => db.select().from(cases).where(eq(cases.id, sql.placeholder("id"))).limit(1).prepare()).all({ id: ref.id })
      : await db.select().from(cases).where(eq(cases.externalNo, ref.no.toUpperCase())).limit(1);
  if (!c || !canView(ctx.actor, c)) {
    throw new DomainError("CASE_NOT_FOUND", `没有找到案件 ${refText(ref)}，或它不在您的查看范围内。`, "请核对案件号，例如：查 #12；发送「我的」查看本单位待办。");
  }
  return c;
}

/** Permission first, then the state machine; both failures explain themselves. */
export function authorize(ctx: HandlerCtx, action: CaseAction, c: CaseRow): void {
  if (!canDo(ctx.actor, action, c)) {
    throw new DomainError("FORBIDDEN", `您没有权限对 ${caseNo(c)} 执行此操作（仅限${WHO_MAY[action]}）。`);
  }
  if (!ALLOWED_IN[action].includes(c.state)) {
    throw new DomainError("INVALID_TRANSITION", `${caseNo(c)} 当前状态为「${STATE_LABEL[c.state]}」，不能执行此操作。`);
  }
}

export type Change = {
  set: Partial<typeof cases.$inferInsert>;
  event: { kind: EventKind; text?: string; data?: Record<string, unknown> };
  action: string; // audit action, e.g. "case.acknowledge"
  outbox?: OutboxInput[];
  phase?: "before" | "after";
};

/** Case row (version-checked) + timeline event + audit row + uploads + outbox: one batch. */
export function changeCase(ctx: HandlerCtx, c: CaseRow, ch: Change): BatchItem[] {
  const { db } = ctx.deps;
  const token = newToken();
  const files = ctx.uploads.map((u) => u.sha256);
  return [
    ...updateCase(db, c.id, c.version, ch.set, token, ctx.now),
    insertEvent(db, { caseId: c.id, at: ctx.now, actor: ctx.actor.userId, kind: ch.event.kind, text: ch.event.text, data: files.length ? { ...ch.event.data, files } : ch.event.data }),
    insertAudit(db, { at: ctx.now, actor: ctx.actor.userId, action: ch.action, object: `case:${c.id}`, result: "ok", source: ctx.source, detail: { version: c.version + 1 } }),
    ...attachUploads(ctx, c.id, ch.phase),
    ...(ch.outbox ?? []).map((o) => insertOutbox(db, o)),
  ];
}

export async function unitGroup(ctx: HandlerCtx, unitId: number | null): Promise<GroupRow | undefined> {
  if (unitId === null) return undefined;
  const [g] = await ctx.deps.db.select().from(groups).where(and(eq(groups.purpose, "unit"), eq(groups.unitId, unitId))).limit(1);
  return g;
}

export async function purposeGroup(ctx: HandlerCtx, purpose: "command" | "accountability"): Promise<GroupRow | undefined> {
  const [g] = await ctx.deps.db.select().from(groups).where(eq(groups.purpose, purpose)).limit(1);
  return g;
}

/**
 * A push to a group, unless that group is where the conversation is happening (the reply already says it).
 * Neutral content with the people to @ by user id; the group's platform renders it (issue 15).
 */
export function pushTo(ctx: HandlerCtx, group: GroupRow | undefined, n: number, message: Content, caseId: number, mentions: string[] = []): OutboxInput[] {
  if (!group || group.chatId === ctx.chat.chatId) return [];
  const uniq = [...new Set(mentions.filter(Boolean))];
  return [{ key: `${ctx.msgKey}:push:${n}`, channel: "group", target: targetOf(group), payload: { message, mentions: uniq }, caseId, at: ctx.now }];
}

/** The people a unit's pushes should @: head and liaisons. */
export async function unitContacts(ctx: HandlerCtx, unitId: number | null): Promise<string[]> {
  const u = (await ctx.units()).find((x) => x.id === unitId);
  return u ? [u.headUserId ?? "", ...u.liaisonUserIds].filter(Boolean) : [];
}

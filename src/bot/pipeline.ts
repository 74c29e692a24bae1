/**
 * The one path every chat message takes, whatever the channel:
 * dedupe (inbox) → sender from stored data → parse → use case → one atomic write (+ inbox row) → replies.
 */
import { and, eq, sql } from "drizzle-orm";
import { chatContext, groups, inbox, people, units } from "../db/schema.js";
import { caseIdSql, commit, DuplicateKey, insertAudit, queuesMessages, VersionConflict, withCaseId, type BatchItem, type CaseIdRef } from "../db/write.js";
import type { Deps } from "../deps.js";
import type { Actor, HandlerCtx, Outcome } from "../handlers/context.js";
import { DomainError } from "../handlers/errors.js";
import { receiveEvidence, storeUpload, type StoredUpload } from "../handlers/evidence.js";
import { drainOutbox } from "../delivery/relay.js";
import { maskPii } from "../domain/pii.js";
import { mapText, type Content } from "../domain/message.js";
import { isParseError, type Command } from "./commands.js";
import type { IncomingMessage } from "./message.js";
import { parse } from "./parse.js";
import { route } from "./route.js";

/** Neutral replies; each channel renders them (src/bot/wecom/render.ts, the simulator). */
export type Replies = Content[];
const MAX_CONFLICT_RETRIES = 5;

async function storedReplies(deps: Deps, key: string): Promise<Replies | undefined> {
  const [row] = await deps.db.select({ replies: inbox.replies }).from(inbox).where(eq(inbox.key, key));
  return row?.replies as Replies | undefined;
}

function inboxRow(deps: Deps, key: string, now: number, replies: Replies, caseToken?: string): BatchItem {
  const json = caseToken ? withCaseId(JSON.stringify(replies), { token: caseToken }) : JSON.stringify(replies);
  return deps.db.insert(inbox).values({ key, receivedAt: now, replies: sql`${json}` as unknown as unknown[] });
}

/**
 * The answer to a sender with no active account. It names a role, never a person: anyone who can reach the bot
 * (any WeCom user in a group with it) would otherwise learn who works in the office (issue 16).
 */
export const UNREGISTERED_REPLY = "您好，您还未在督办系统登记，暂不能使用督办助手。请联系区督办办公室的系统管理员登记后再试。";

function errorReply(e: DomainError): string {
  return e.usage ? `${e.message}\n> 正确写法：${e.usage}` : e.message;
}

/** Handle one incoming message and return the bot's replies. Safe to call again with the same msgId (R06). */
export async function handleMessage(deps: Deps, msg: IncomingMessage): Promise<Replies> {
  const replies = await answer(deps, msg);
  return msg.chatType === "group" ? replies.map((r) => mapText(r, maskPii)) : replies; // R39: a group sees no full mobile or ID number
}

async function answer(deps: Deps, msg: IncomingMessage): Promise<Replies> {
  const key = `${msg.channel}:${msg.msgId}`;
  const seen = await storedReplies(deps, key);
  if (seen) return seen;
  const now = deps.clock();
  const source = `${msg.channel}:${msg.chatId}`;

  const [person] = await deps.db.select().from(people).where(and(eq(people.userId, msg.senderId), eq(people.active, true)));
  if (!person) {
    return finish(deps, key, now, [UNREGISTERED_REPLY], [insertAudit(deps.db, { at: now, actor: msg.senderId, action: "chat.unregistered", result: "denied", source })]);
  }
  const actor: Actor = { userId: person.userId, name: person.name, unitId: person.unitId, roles: person.roles };
  const [group] = await deps.db.select().from(groups).where(eq(groups.chatId, msg.chatId));

  const parsed = msg.text.trim() ? parse(msg.text, { botNames: deps.config.botNames }) : undefined;
  let command: Command | undefined;
  if (parsed && !isParseError(parsed)) command = parsed;
  else if (parsed && (msg.uploads.length === 0 || !["EMPTY", "UNKNOWN_COMMAND"].includes(parsed.error))) {
    return finish(deps, key, now, [`${parsed.message}\n> ${parsed.usage}`], []);
  }
  if (!command && msg.uploads.length === 0) return finish(deps, key, now, ["请发送命令，例如：我的；发送「帮助」查看全部命令。"], []);

  let uploads: StoredUpload[];
  try {
    uploads = await Promise.all(msg.uploads.map((u) => storeUpload(deps, u, now)));
  } catch (e) {
    if (e instanceof DomainError) return finish(deps, key, now, [errorReply(e)], []);
    throw e;
  }
  let unitCache: Promise<(typeof units.$inferSelect)[]> | undefined;
  const ctx: HandlerCtx = {
    deps,
    actor,
    chat: { chatId: msg.chatId, type: msg.chatType, group },
    now,
    msgKey: key,
    source,
    uploads,
    units: () => (unitCache ??= deps.db.select().from(units)),
  };

  for (let attempt = 0; ; attempt++) {
    let out: Outcome;
    try {
      out = command ? await route(ctx, command) : await receiveEvidence(ctx, msg.text);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      const denial =
        e.code === "FORBIDDEN"
          ? [insertAudit(deps.db, { at: now, actor: actor.userId, action: `chat.${command?.name ?? "evidence"}`, result: "denied", source, detail: { code: e.code, text: maskPii(msg.text).slice(0, 200) } })]
          : [];
      return finish(deps, key, now, [errorReply(e)], denial);
    }
    const named: CaseIdRef | undefined = out.caseId ?? (out.caseToken ? { token: out.caseToken } : undefined);
    const remember: BatchItem[] = named !== undefined ? [rememberCase(deps, msg, named, now)] : [];
    try {
      return await finish(deps, key, now, [out.reply], [...out.writes, ...remember], out.caseToken, out.inboxReply);
    } catch (e) {
      // Someone changed the case between our read and our write: decide again on fresh data (R12).
      if (e instanceof VersionConflict && attempt < MAX_CONFLICT_RETRIES) continue;
      throw e;
    }
  }
}

/** The case a person last named in a chat, so photos sent next bind to it (spec §2.3). */
function rememberCase(deps: Deps, msg: IncomingMessage, ref: CaseIdRef, now: number): BatchItem {
  const caseId = caseIdSql(ref) as number;
  return deps.db
    .insert(chatContext)
    .values({ chatId: msg.chatId, userId: msg.senderId, caseId, at: now })
    .onConflictDoUpdate({ target: [chatContext.chatId, chatContext.userId], set: { caseId, at: now } });
}

/** Commit the use case's writes together with the inbox row; a duplicate delivery gets the first answer. */
async function finish(deps: Deps, key: string, now: number, replies: Replies, writes: BatchItem[], caseToken?: string, inboxReply?: Content): Promise<Replies> {
  try {
    await commit(deps.db, [...writes, inboxRow(deps, key, now, inboxReply !== undefined ? [inboxReply] : replies, caseToken)]);
  } catch (e) {
    if (e instanceof DuplicateKey && e.constraint === "inbox.key") {
      const first = await storedReplies(deps, key);
      if (first) return first;
    }
    throw e;
  }
  if (queuesMessages(writes)) deps.waitUntil(drainOutbox(deps)); // the per-minute relay still covers retries
  // A new case's number was filled in inside the batch; the inbox row holds the final text.
  return caseToken ? ((await storedReplies(deps, key)) ?? replies) : replies;
}

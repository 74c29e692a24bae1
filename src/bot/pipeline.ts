/**
 * The one path every chat message takes, whatever the channel:
 * dedupe (inbox) → sender from stored data → parse → use case through the runner (src/handlers/run.ts), whose
 * one atomic write also carries the inbox row → replies.
 */
import { eq, sql } from "drizzle-orm";
import { chatContext, inbox } from "../db/schema.js";
import { caseIdSql, commit, DuplicateKey, insertAudit, queuesMessages, withCaseId, type BatchItem, type CaseIdRef } from "../db/write.js";
import type { Deps } from "../deps.js";
import type { Actor, Outcome } from "../handlers/context.js";
import { DomainError } from "../handlers/errors.js";
import { receiveEvidence, storeUpload, type StoredUpload } from "../handlers/evidence.js";
import { runUseCase } from "../handlers/run.js";
import { drainSoon } from "../delivery/relay.js";
import { directory } from "../db/directory-cache.js";
import { prepared } from "../db/prepared.js";
import { bound } from "../db/bound.js";
import { maskPii } from "../domain/pii.js";
import { mapText, type Content } from "../domain/message.js";
import { isParseError, type Command } from "./commands.js";
import type { IncomingMessage } from "./message.js";
import { parse } from "./parse.js";
import { route } from "./route.js";

/** Neutral replies; each channel renders them (src/bot/wecom/render.ts, the simulator). */
export type Replies = Content[];

export type HandleOptions = {
  /**
   * Rows committed in the same batch as the inbox row of this message — so with the use case's writes, or with the
   * refusal or error reply. A channel puts its replay/nonce row here, so that the message's effect and the record
   * that it was received commit together or not at all. Not written when the message is a redelivery answered from
   * the inbox; a DuplicateKey they raise (other than inbox.key) propagates to the channel.
   */
  alsoWrite?: BatchItem[];
  /**
   * A check that must pass before anything is decided or written (a channel's replay check): it runs beside the
   * message's first reads, and its rejection is this call's rejection, with nothing written.
   */
  precheck?: Promise<void>;
};
async function storedReplies(deps: Deps, key: string): Promise<Replies | undefined> {
  const { db } = deps;
  const [row] = await prepared(db, "inbox replies", () => db.select({ replies: inbox.replies }).from(inbox).where(eq(inbox.key, sql.placeholder("key"))).prepare()).all({ key });
  return row?.replies as Replies | undefined;
}

function inboxRow(deps: Deps, key: string, now: number, replies: Replies, caseToken?: string): BatchItem {
  const json = caseToken ? withCaseId(JSON.stringify(replies), { token: caseToken }) : JSON.stringify(replies);
  const { db } = deps;
  return bound(db, "inbox", { key, now, json }, (v) => db.insert(inbox).values({ key: v("key"), receivedAt: v("now"), replies: sql`${v("json")}` as unknown as unknown[] }));
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
export async function handleMessage(deps: Deps, msg: IncomingMessage, opts: HandleOptions = {}): Promise<Replies> {
  const replies = await answer(deps, msg, opts.alsoWrite ?? [], opts.precheck);
  return msg.chatType === "group" ? replies.map((r) => mapText(r, maskPii)) : replies; // R39: a group sees no full mobile or ID number
}

async function answer(deps: Deps, msg: IncomingMessage, also: BatchItem[], precheck?: Promise<void>): Promise<Replies> {
  const key = `${msg.channel}:${msg.msgId}`;
  // Independent reads, so they travel together (one wait, not several, on the database thread); the directory's
  // version check is wasted only on a redelivery.
  const [seen, dir] = await Promise.all([storedReplies(deps, key), directory(deps.db), precheck]);
  if (seen) return seen;
  const now = deps.clock();
  const source = `${msg.channel}:${msg.chatId}`;
  const settle = (replies: Replies, writes: BatchItem[]) => finish(deps, key, now, replies, [...writes, ...also]);

  const person = dir.activePeople.get(msg.senderId);
  if (!person) {
    return settle([UNREGISTERED_REPLY], [insertAudit(deps.db, { at: now, actor: msg.senderId, action: "chat.unregistered", result: "denied", source })]);
  }
  const actor: Actor = { userId: person.userId, name: person.name, unitId: person.unitId, roles: person.roles };
  const group = dir.groups.get(msg.chatId);

  const parsed = msg.text.trim() ? parse(msg.text, { botNames: deps.config.botNames }) : undefined;
  let command: Command | undefined;
  if (parsed && !isParseError(parsed)) command = parsed;
  else if (parsed && (msg.uploads.length === 0 || !["EMPTY", "UNKNOWN_COMMAND"].includes(parsed.error))) {
    return settle([`${parsed.message}\n> ${parsed.usage}`], []);
  }
  if (!command && msg.uploads.length === 0) return settle(["请发送命令，例如：我的；发送「帮助」查看全部命令。"], []);

  let uploads: StoredUpload[];
  try {
    uploads = await Promise.all(msg.uploads.map((u) => storeUpload(deps, u, now)));
  } catch (e) {
    if (e instanceof DomainError) return settle([errorReply(e)], []);
    throw e;
  }

  // The inbox row (with the reply a redelivery gets) and the chat's "last named case" ride in the use case's batch.
  const rows = (r: { out?: Outcome; error?: DomainError }): BatchItem[] => {
    if (r.error) return [inboxRow(deps, key, now, [errorReply(r.error)]), ...also];
    const out = r.out!;
    const named: CaseIdRef | undefined = out.caseId ?? (out.caseToken ? { token: out.caseToken } : undefined);
    return [
      ...(named !== undefined ? [rememberCase(deps, msg, named, now)] : []),
      inboxRow(deps, key, now, out.inboxReply !== undefined ? [out.inboxReply] : [out.reply], out.caseToken),
      ...also,
    ];
  };
  try {
    const out = await runUseCase(
      {
        deps, actor, source, now, uploads, msgKey: key, units: dir.units,
        chat: { chatId: msg.chatId, type: msg.chatType, group },
        action: `chat.${command?.name ?? "evidence"}`,
        denialDetail: { text: maskPii(msg.text).slice(0, 200) },
        alsoWrite: rows,
      },
      (ctx) => (command ? route(ctx, command) : receiveEvidence({ ctx, input: { caption: msg.text } })),
    );
    // A new case's number was filled in inside the batch; the inbox row holds the final text.
    return out.caseToken ? ((await storedReplies(deps, key)) ?? [out.reply]) : [out.reply];
  } catch (e) {
    if (e instanceof DomainError) return [errorReply(e)];
    if (e instanceof DuplicateKey && e.constraint === "inbox.key") {
      const first = await storedReplies(deps, key); // another delivery of this message won the race
      if (first) return first;
    }
    throw e;
  }
}

/** The case a person last named in a chat, so photos sent next bind to it (spec §2.3). */
function rememberCase(deps: Deps, msg: IncomingMessage, ref: CaseIdRef, now: number): BatchItem {
  const { db } = deps;
  return bound(db, "chat context", { chatId: msg.chatId, userId: msg.senderId, caseId: caseIdSql(ref), at: now }, (v) =>
    db
      .insert(chatContext)
      .values({ chatId: v("chatId"), userId: v("userId"), caseId: v("caseId"), at: v("at") })
      .onConflictDoUpdate({ target: [chatContext.chatId, chatContext.userId], set: { caseId: v("caseId"), at: v("at") } }),
  );
}

/** Answers that run no use case (unregistered, unparsable, bad upload): the inbox row and its extras, one batch. */
async function finish(deps: Deps, key: string, now: number, replies: Replies, writes: BatchItem[]): Promise<Replies> {
  try {
    await commit(deps.db, [inboxRow(deps, key, now, replies), ...writes]);
  } catch (e) {
    if (e instanceof DuplicateKey && e.constraint === "inbox.key") {
      const first = await storedReplies(deps, key);
      if (first) return first;
    }
    throw e;
  }
  if (queuesMessages(writes)) deps.waitUntil(drainSoon(deps));
  return replies;
}

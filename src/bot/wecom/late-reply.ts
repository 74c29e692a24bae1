/**
 * A reply that missed the 1-second answer (R08) travels through the outbox: to the message's response_url
 * (wecom.md §1.A.8: once, within an hour), else to the group's robot (R20). The row carries neutral content;
 * the WeCom channel renders it when it is sent.
 */
import { commit, insertOutbox } from "../../db/write.js";
import { RESPONSE_URL_TTL_MS } from "../../db/wecom-replay.js";
import { concat, toPlain, type Content } from "../../domain/message.js";
import { targetOf } from "../../domain/targets.js";
import { drainOutbox } from "../../delivery/relay.js";
import type { Deps } from "../../deps.js";
import type { ResponseUrlPayload } from "./deliver.js";
import { isAllowedUrl, urlForLog } from "./hosts.js";

/** The reply as neutral content, or (callers that already rendered it) as WeCom markdown. */
export type LateReply = { msgKey: string; chatId: string; responseUrl?: string; receivedAt: number } & ({ content: Content | Content[] } | { markdown: string });

/** Queues the reply durably, then drains the outbox. Idempotent per message. */
export async function sendLateReply(deps: Deps, r: LateReply): Promise<void> {
  const message: Content = "markdown" in r ? r.markdown : Array.isArray(r.content) ? concat(...r.content) : r.content;
  if (!toPlain(message).trim()) return;
  const body = "markdown" in r ? { markdown: r.markdown } : { message };
  const key = `${r.msgKey}:late-reply`;
  const fallbackChatId = r.chatId.startsWith("single:") ? undefined : r.chatId;
  // A response_url off WeCom's hosts is never stored or called; the group's robot carries the reply instead.
  const responseUrl = r.responseUrl && isAllowedUrl(r.responseUrl, deps.config.wecom) ? r.responseUrl : undefined;
  if (r.responseUrl && !responseUrl) deps.log.warn("security: response_url refused: not a WeCom host or WECOM_API_BASE", { msgKey: r.msgKey, url: urlForLog(r.responseUrl) });
  if (responseUrl) {
    const payload: ResponseUrlPayload = { ...body, expiresAt: r.receivedAt + RESPONSE_URL_TTL_MS, fallbackChatId };
    await commit(deps.db, [insertOutbox(deps.db, { key, channel: "response_url", target: targetOf({ platform: "wecom", chatId: responseUrl }), payload, at: deps.clock() })]);
  } else if (fallbackChatId) {
    await commit(deps.db, [insertOutbox(deps.db, { key, channel: "group", target: targetOf({ platform: "wecom", chatId: fallbackChatId }), payload: body, at: deps.clock() })]);
  } else {
    deps.log.warn("late reply dropped: a single chat without response_url cannot be reached in callback mode", { msgKey: r.msgKey });
    return;
  }
  await drainOutbox(deps);
}

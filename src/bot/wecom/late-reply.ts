/**
 * A reply that missed the 1-second answer (R08) travels through the outbox: to the message's response_url
 * (wecom.md §1.A.8: once, within an hour), else to the group's robot (R20).
 */
import { commit, insertOutbox } from "../../db/write.js";
import { RESPONSE_URL_TTL_MS } from "../../db/wecom-replay.js";
import { drainOutbox } from "../../delivery/relay.js";
import type { Deps } from "../../deps.js";
import type { ResponseUrlPayload } from "./deliver.js";
import { isAllowedUrl, urlForLog } from "./hosts.js";

export type LateReply = { msgKey: string; chatId: string; responseUrl?: string; receivedAt: number; markdown: string };

/** Queues the reply durably, then drains the outbox. Idempotent per message. */
export async function sendLateReply(deps: Deps, r: LateReply): Promise<void> {
  if (!r.markdown.trim()) return;
  const key = `${r.msgKey}:late-reply`;
  const fallbackChatId = r.chatId.startsWith("single:") ? undefined : r.chatId;
  // A response_url off WeCom's hosts is never stored or called; the group's robot carries the reply instead.
  const responseUrl = r.responseUrl && isAllowedUrl(r.responseUrl, deps.config.wecom) ? r.responseUrl : undefined;
  if (r.responseUrl && !responseUrl) deps.log.warn("security: response_url refused: not a WeCom host or WECOM_API_BASE", { msgKey: r.msgKey, url: urlForLog(r.responseUrl) });
  if (responseUrl) {
    const payload: ResponseUrlPayload = { markdown: r.markdown, expiresAt: r.receivedAt + RESPONSE_URL_TTL_MS, fallbackChatId };
    await commit(deps.db, [insertOutbox(deps.db, { key, channel: "response_url", target: responseUrl, payload, at: deps.clock() })]);
  } else if (fallbackChatId) {
    await commit(deps.db, [insertOutbox(deps.db, { key, channel: "group", target: fallbackChatId, payload: { markdown: r.markdown }, at: deps.clock() })]);
  } else {
    deps.log.warn("late reply dropped: a single chat without response_url cannot be reached in callback mode", { msgKey: r.msgKey });
    return;
  }
  await drainOutbox(deps);
}

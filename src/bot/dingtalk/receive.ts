/**
 * One received DingTalk message, whatever brought it (HTTP callback or Stream frame): sender by staffId →
 * pictures downloaded → the channel-neutral pipeline (deduplicated on `dingtalk:<msgId>`, R06) → the reply queued
 * once per message in the outbox, to the sessionWebhook the message named (deliver.ts), or to the group.
 */
import { personByDingtalkId } from "../../db/dingtalk.js";
import { commit, insertOutbox } from "../../db/write.js";
import { drainSoon } from "../../delivery/relay.js";
import { MAX_UPLOAD_BYTES } from "../../domain/file-type.js";
import { concat, toPlain } from "../../domain/message.js";
import { targetOf } from "../../domain/targets.js";
import type { Deps } from "../../deps.js";
import type { Upload } from "../../handlers/evidence.js";
import { handleMessage, type Replies } from "../pipeline.js";
import type { DingtalkClient } from "./client.js";
import type { SessionPayload } from "./deliver.js";
import { isAllowedUrl, OutboundRefused, routeUrl, urlForLog } from "./hosts.js";
import type { Inbound, MediaRef } from "./payload.js";

export type InboundMessage = Extract<Inbound, { kind: "message" }>;

/** Whom a staffId is: our user id, or an id no person has (the pipeline then answers "not registered"). */
export async function senderOf(deps: Deps, staffId: string): Promise<string> {
  return (await personByDingtalkId(deps.db, staffId))?.userId ?? `dingtalk:${staffId}`;
}

/** Pictures as uploads; a failed download is an empty upload and an oversized one too big, so the pipeline says so. */
export async function downloadMedia(deps: Deps, client: DingtalkClient, robotCode: string, refs: MediaRef[]): Promise<Upload[]> {
  return Promise.all(
    refs.map(async (ref): Promise<Upload> => {
      try {
        const r = await client.download({ downloadCode: ref.downloadCode, robotCode, maxBytes: MAX_UPLOAD_BYTES });
        return r.truncated ? { bytes: new Uint8Array(MAX_UPLOAD_BYTES + 1) } : { bytes: r.bytes };
      } catch (e) {
        const why = e instanceof OutboundRefused ? "security: download URL refused" : "DingTalk picture download failed";
        deps.log.warn(`${why}; the sender is asked to send it again`, { error: String((e as Error)?.message ?? e) });
        return { bytes: new Uint8Array(0) };
      }
    }),
  );
}

/** Runs the pipeline for one message and queues its reply; returns the replies (for logs and tests). */
export async function receiveDingtalk(deps: Deps, client: DingtalkClient, m: InboundMessage): Promise<Replies> {
  const robotCode = m.robotCode || deps.config.dingtalk.robotCode || "";
  const senderId = await senderOf(deps, m.staffId);
  const chatId = m.chatType === "group" ? m.chatId : `single:${senderId}`;
  deps.log.info("DingTalk message", { chatType: m.chatType, chatId }); // HTTP or Stream; the admin registers groups by this id
  const uploads = m.media.length ? await downloadMedia(deps, client, robotCode, m.media) : [];
  const replies = await handleMessage(deps, { channel: "dingtalk", msgId: m.msgId, chatId, chatType: m.chatType, senderId, text: m.text, uploads });
  await queueReply(deps, m, chatId, replies);
  return replies;
}

/** One outbox row per message (idempotent on its key), so a redelivered message is not answered twice. */
async function queueReply(deps: Deps, m: InboundMessage, chatId: string, replies: Replies): Promise<void> {
  const message = replies.length === 1 ? replies[0] : concat(...replies);
  if (!toPlain(message).trim()) return;
  const hosts = deps.config.dingtalk;
  let session = m.sessionWebhook;
  if (session && !isAllowedUrl(routeUrl(session.url, hosts), hosts)) {
    deps.log.warn("security: sessionWebhook refused: not a DingTalk host or DINGTALK_API_BASE; replying through the group robot", { host: urlForLog(session.url) });
    session = undefined;
  }
  const target = targetOf({ platform: "dingtalk", chatId });
  const key = `dingtalk:${m.msgId}:reply`;
  const row = session
    ? insertOutbox(deps.db, { key, channel: "response_url", target, payload: { message, sessionWebhook: session.url, expiresAt: session.expiresAt } satisfies SessionPayload, at: deps.clock() })
    : chatId.startsWith("single:")
      ? undefined
      : insertOutbox(deps.db, { key, channel: "group", target, payload: { message }, at: deps.clock() });
  if (!row) {
    deps.log.warn("DingTalk reply dropped: a one-to-one message without a sessionWebhook cannot be answered", { msgId: m.msgId });
    return;
  }
  await commit(deps.db, [row]);
  deps.waitUntil(drainSoon(deps)); // the reply goes out after DingTalk has its answer; the relay retries it
}

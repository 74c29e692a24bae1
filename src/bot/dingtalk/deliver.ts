/**
 * The DingTalk channel of the outbox relay (src/delivery/types.ts `Channel`; targets "dingtalk:<conversationId>",
 * the router strips the prefix). Rows:
 * - "group": the group's custom robot with 加签 when groups.robot_webhook is set (dingtalk.md §4a), else the app
 *   robot's groupMessages/send (§4b; the robot must be in the group).
 * - "response_url": a reply to a received message, through the sessionWebhook that message named (DingTalk's
 *   counterpart of WeCom's response_url, so the relay gives each its own rate bucket) while it is valid (≈90 min,
 *   §1), else (or when DingTalk says the session is gone) through the group path above.
 * - "user": the app robot's one-to-one send to the person's staffId.
 * Errors are classified by client.ts: rate limits (130101/410100, HTTP 429) pause the robot for 10 minutes.
 */
import { dingtalkIdsOf, groupWebhook } from "../../db/dingtalk.js";
import type { Db } from "../../db/types.js";
import type { Clock } from "../../deps.js";
import type { Channel, Chunk, DeliverResult, OutboxPayload, OutboxRow } from "../../delivery/types.js";
import { concat, type Content } from "../../domain/message.js";
import type { Logger } from "../../log.js";
import type { Config } from "../../config.js";
import { createDingtalkClient, type DingtalkClient } from "./client.js";
import type { Fetch } from "./hosts.js";
import { urlForLog } from "./hosts.js";
import { mentionedUserIds, renderDingtalk, webhookBody, withNames, type DingtalkMarkdown } from "./render.js";
import { signWebhookUrl } from "./sign.js";

/** Payload of a DingTalk "response_url" row (written by reply.ts). The URL is a credential for its 90 minutes. */
export type SessionPayload = OutboxPayload & { sessionWebhook: string; expiresAt: number };

/** Leave a margin so a POST started just before expiry is not refused on arrival. */
const EXPIRY_MARGIN_MS = 60_000;
const permanent = (error: string): DeliverResult => ({ ok: false, retryable: false, error });

export type DingtalkChannelDeps = { db: Db; clock: Clock; log: Logger; client: DingtalkClient; robotCode: string; botName?: string };

/** The row's content: neutral `message`, or the WeCom-era `markdown`/`text` strings passed through as plain text. */
function contentOf(p: OutboxPayload): Content | undefined {
  if (p.message !== undefined) return Array.isArray(p.message) ? concat(...(p.message as Content[])) : p.message;
  return p.markdown ?? p.text;
}

export function dingtalkChannel(d: DingtalkChannelDeps): Channel {
  const { db, clock, log, client, robotCode } = d;

  async function render(row: OutboxRow): Promise<Chunk[]> {
    const p = row.payload as OutboxPayload;
    const c = contentOf(p);
    if (c === undefined || (typeof c === "string" && !c.trim())) return [];
    const people = await dingtalkIdsOf(db, [...mentionedUserIds(c), ...(p.mentions ?? [])]);
    return renderDingtalk(c, people, { mentions: p.mentions, botName: d.botName });
  }

  async function toGroup(chatId: string, m: DingtalkMarkdown): Promise<DeliverResult> {
    if (chatId.startsWith("single:")) return permanent("a one-to-one chat has no group robot; the reply could not be delivered");
    const g = await groupWebhook(db, chatId);
    if (g?.robotWebhook) {
      const url = client.webhookUrl(g.robotWebhook);
      return client.postWebhook(g.robotSecret ? await signWebhookUrl(url, g.robotSecret, clock()) : url, webhookBody(m));
    }
    return client.groupSend({ robotCode, openConversationId: chatId, msgKey: "sampleMarkdown", msgParam: withNames(m) });
  }

  async function toSession(row: OutboxRow, m: DingtalkMarkdown): Promise<DeliverResult> {
    const p = row.payload as SessionPayload;
    if (clock() < p.expiresAt - EXPIRY_MARGIN_MS) {
      const r = await client.postWebhook(p.sessionWebhook, webhookBody(m));
      if (r.ok || r.retryable) return r;
      log.warn("DingTalk sessionWebhook refused the reply; sending it to the group instead", { outboxId: row.id, host: urlForLog(p.sessionWebhook), error: r.error });
    }
    return toGroup(row.target, m);
  }

  async function toUser(userId: string, m: DingtalkMarkdown): Promise<DeliverResult> {
    const staffId = (await dingtalkIdsOf(db, [userId])).get(userId)?.dingtalkId;
    if (!staffId) return permanent(`人员 ${userId} 未登记钉钉账号 / person ${userId} has no DingTalk id: run \`duban person set --user ${userId} --dingtalk <staffId>\``);
    return client.userSend({ robotCode, userIds: [staffId], msgKey: "sampleMarkdown", msgParam: withNames(m) });
  }

  async function send(row: OutboxRow, chunk: Chunk): Promise<DeliverResult> {
    const m = chunk as unknown as DingtalkMarkdown;
    switch (row.channel) {
      case "group":
        return toGroup(row.target, m);
      case "response_url":
        return toSession(row, m);
      case "user":
        return toUser(row.target, m);
      default:
        return permanent(`unknown outbox channel ${row.channel} for DingTalk`);
    }
  }

  return { render, send };
}

/** The channel for a runtime: its client built from config.dingtalk (DINGTALK_MODE http or stream). */
export function createDingtalkChannel(d: { db: Db; clock: Clock; log: Logger; config: Config; fetch?: Fetch }): Channel {
  const { appKey, appSecret, robotCode, apiBase, apiBaseSet } = d.config.dingtalk;
  if (!appKey || !appSecret || !robotCode) throw new Error("DingTalk channel needs DINGTALK_APP_KEY, DINGTALK_APP_SECRET and DINGTALK_ROBOT_CODE");
  const client = createDingtalkClient({ appKey, appSecret, apiBase, apiBaseSet, clock: d.clock, fetch: d.fetch });
  return dingtalkChannel({ db: d.db, clock: d.clock, log: d.log, client, robotCode, botName: d.config.botNames[0] });
}

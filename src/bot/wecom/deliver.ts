/**
 * The callback-mode WeCom `Channel`: how an outbox row travels to WeCom (rendered by ./render.ts).
 * - "group": the group's robot webhook (wecom.md §2); the key comes from groups.robot_key.
 * - "response_url": one plain-JSON markdown POST (§1.A.8), at most once and within its hour (R20); otherwise the
 *   reply falls back to the group's robot as a new outbox row, so it still counts against that robot's window (R16).
 * - "user": a smart bot in callback mode cannot message a person on its own initiative.
 */
import type { Clock, Deliver } from "../../deps.js";
import type { Db } from "../../db/types.js";
import { groupRobot } from "../../db/robot-keys.js";
import { claimResponseUrl, sha256Text } from "../../db/wecom-replay.js";
import { commit, insertOutbox } from "../../db/write.js";
import { targetOf } from "../../domain/targets.js";
import type { Content } from "../../domain/message.js";
import type { Chunk, DeliverResult, OutboxPayload } from "../../delivery/types.js";
import type { RobotMessage } from "./robot.js";
import type { Logger } from "../../log.js";
import type { WecomClient } from "./client.js";
import { chunkMarkdown, renderWecomChunks } from "./render.js";

/** Payload of a "response_url" outbox row (written by late-reply.ts); rows from before issue 15 carry `markdown`. */
export type ResponseUrlPayload = { message?: Content; markdown?: string; expiresAt: number; fallbackChatId?: string };

/** Leave a margin so a POST started just before the hour is not refused on arrival. */
const EXPIRY_MARGIN_MS = 60_000;

const permanent = (error: string): DeliverResult => ({ ok: false, retryable: false, error });

export function wecomDeliver(deps: { db: Db; clock: Clock; log: Logger; client: WecomClient }): Deliver {
  const { db, clock, log, client } = deps;

  async function toGroup(chatId: string, chunk: Chunk): Promise<DeliverResult> {
    const g = await groupRobot(db, chatId);
    if (!g) return permanent(`群 ${chatId} 不存在 / unknown group chat id ${chatId}`);
    if (!g.robotKey) {
      return permanent(`群 ${g.name}（${chatId}）未配置群机器人 key / group has no robot key: run \`duban group set-robot ${chatId} <key>\``);
    }
    return client.sendToRobot(g.robotKey, chunk as RobotMessage);
  }

  /** Hand the text to the group's robot through the outbox (idempotent per row and chunk). */
  async function fallback(rowId: number, p: ResponseUrlPayload, markdown: string, why: string): Promise<DeliverResult> {
    const chatId = p.fallbackChatId;
    if (!chatId || chatId.startsWith("single:")) return permanent(`response_url ${why}; a single chat has no group robot to fall back to`);
    const key = `response_url:${rowId}:fallback:${(await sha256Text(markdown)).slice(0, 16)}`;
    await commit(db, [insertOutbox(db, { key, channel: "group", target: targetOf({ chatId }), payload: { markdown }, at: clock() })]);
    log.info("late reply handed to the group robot", { outboxId: rowId, chatId, why });
    return { ok: true };
  }

  async function toResponseUrl(rowId: number, url: string, p: ResponseUrlPayload, markdown: string): Promise<DeliverResult> {
    const now = clock();
    if (!(now < p.expiresAt - EXPIRY_MARGIN_MS)) return fallback(rowId, p, markdown, "expired (valid for 1 hour)");
    // Marked used before the call: after a timeout we cannot know whether WeCom consumed it (R18, R20).
    if (!(await claimResponseUrl(db, url, now))) return fallback(rowId, p, markdown, "already used");
    const r = await client.postResponseUrl(url, markdown);
    if (r.ok) return r;
    log.warn("response_url call failed; falling back to the group robot", { outboxId: rowId, error: r.error });
    return fallback(rowId, p, markdown, "call failed");
  }

  return {
    render: (row) => renderWecomChunks(row.payload as OutboxPayload),
    send: async (row, chunk) => {
      switch (row.channel) {
        case "group":
          return toGroup(row.target, chunk);
        case "response_url":
          return toResponseUrl(row.id, row.target, row.payload as ResponseUrlPayload, chunkMarkdown(chunk));
        case "user":
          return permanent("callback mode cannot send to a single user; use long-connection mode or a group robot");
        default:
          return permanent(`unknown outbox channel ${row.channel}`);
      }
    },
  };
}

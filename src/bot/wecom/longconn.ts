/**
 * WeCom smart-bot long connection (`WECOM_MODE=longconn`, Node only; wecom.md §1.B) on `@wecom/aibot-node-sdk`:
 * every message frame runs the same pipeline as callbacks and is answered on its own req_id; outbox rows go out as
 * `aibot_send_msg`. WeCom keeps ONE connection per bot — a second instance with the same BotID kicks this one (§1.B.1).
 */
import { createHash } from "node:crypto";
import { WSAuthFailureError, WSClient, type Logger as SdkLogger, type WsFrame } from "@wecom/aibot-node-sdk";
import type { Deps } from "../../deps.js";
import type { DeliverResult, SendRow } from "../../delivery/types.js";
import { splitMessage } from "../../delivery/split.js";
import type { Logger } from "../../log.js";
import { handleMessage, type Replies } from "../pipeline.js";
import { renderWecom } from "./render.js";
import { createWecomClient } from "./client.js";
import { downloadWsMedia, sendTarget } from "./longconn-map.js";
import { callbackPayload, toInbound, type CallbackPayload } from "./payload.js";
import { welcomeText } from "./reply.js";
import { cardAsMarkdown, splitCard, taskIdOf, type TemplateCard } from "./card.js";
import { clickUpdate } from "./card-click.js";

export type LongConnState = "idle" | "connecting" | "authenticating" | "online" | "reconnecting" | "kicked" | "failed" | "stopped";
export type LongConnStatus = { state: LongConnState; since: number; reconnects: number; inFlight: number; lastError?: string };
export type LongConn = {
  /** Open the socket and subscribe; the SDK reconnects by itself with exponential back-off (§1.B.5). */
  start(): void;
  /** Stop taking frames, let in-flight ones answer (bounded), then close. */
  stop(): Promise<void>;
  status(): LongConnStatus;
  /** Proactive push of one outbox row with `aibot_send_msg` to `row.target` (group chatid or userid, §1.B.4). */
  deliver: SendRow;
};
export type LongConnOptions = {
  /** Base of the SDK's back-off 1 s, 2 s, 4 s … capped at 30 s (§1.B.5); tests make it short. */
  reconnectBaseMs?: number;
  heartbeatMs?: number;
  /** For media downloads (tests point it at a fake). */
  fetch?: (input: string, init?: RequestInit) => Promise<Response>;
  /** How long stop() waits for messages already being handled. */
  drainMs?: number;
};

const STREAM_MAX_BYTES = 20_480; // stream.content limit (§1.A.6, §1.B.3)
const BUSY = "督办助手暂时无法处理这条消息，请稍后重新发送。";
const ERR_INVALID_CHATID = 93006; // aibot_send_msg to a chat the bot cannot reach (§1.B.3)
const ERR_RATE_LIMITED = 45009;

/** The SDK's own log lines, minus its debug level, which prints whole frame bodies including media aeskeys. */
function sdkLogger(log: Logger): SdkLogger {
  const line = (args: unknown[]) => (args.length ? { detail: args.map(String).join(" ").slice(0, 300) } : undefined);
  return {
    debug: () => {},
    info: (m, ...a) => log.debug(`wecom sdk: ${m}`, line(a)),
    warn: (m, ...a) => log.warn(`wecom sdk: ${m}`, line(a)),
    error: (m, ...a) => log.error(`wecom sdk: ${m}`, line(a)),
  };
}

/** Stable per msgid, so a redelivered message refreshes the same stream instead of posting a second one (§1.B.3). */
export const streamIdFor = (msgId: string) => `duban-${createHash("sha256").update(msgId).digest("hex").slice(0, 32)}`;

/** The SDK rejects with the server's ack frame `{errcode, errmsg}` or with an Error (timeout, socket closed). */
function errorOf(e: unknown): { errcode?: number; error: string } {
  if (e && typeof e === "object" && typeof (e as WsFrame).errcode === "number") {
    const f = e as WsFrame;
    return { errcode: f.errcode, error: `errcode ${f.errcode}: ${String(f.errmsg ?? "").slice(0, 100)}` };
  }
  return { error: e instanceof Error ? e.message.slice(0, 200) : String(e).slice(0, 200) };
}

export function classifySendError(e: unknown): DeliverResult {
  const { errcode, error } = errorOf(e);
  if (errcode === ERR_INVALID_CHATID) return { ok: false, retryable: false, error: `${error} (the bot can only push to chats that have messaged it)` };
  if (errcode === ERR_RATE_LIMITED) return { ok: false, retryable: true, error, pauseMs: 60_000 };
  return { ok: false, retryable: true, error };
}

export function createLongConn(deps: Deps, opts: LongConnOptions = {}): LongConn {
  const { botId, botSecret, wsUrl } = deps.config.wecom;
  if (!botId || !botSecret) throw new Error("WECOM_MODE=longconn needs WECOM_BOT_ID and WECOM_BOT_SECRET (admin console → 智能机器人 → API 模式 → 长连接)");
  const log = deps.log;
  const client = new WSClient({
    botId,
    secret: botSecret,
    wsUrl,
    reconnectInterval: opts.reconnectBaseMs ?? 1_000,
    maxReconnectAttempts: -1, // a network outage must never end the channel; auth failures still give up (below)
    maxAuthFailureAttempts: 5, // §1.B.1: the subscribe call is rate-protected, do not loop on a wrong secret
    heartbeatInterval: opts.heartbeatMs ?? 30_000,
    logger: sdkLogger(log),
  });
  const http = createWecomClient({ apiBase: deps.config.wecom.apiBase, wsUrl: deps.config.wecom.wsUrl, fetch: opts.fetch });
  let status: LongConnStatus = { state: "idle", since: deps.clock(), reconnects: 0, inFlight: 0 };
  let accepting = false;
  const inFlight = new Set<Promise<void>>();

  const to = (state: LongConnState, fields: Record<string, unknown> = {}, level: "info" | "warn" | "error" = "info") => {
    if (status.state === state) return;
    status = { ...status, state, since: deps.clock() };
    log[level](`wecom long connection: ${state}`, { wsUrl, ...fields }); // never the secret
  };
  const ended = () => status.state === "stopped" || status.state === "kicked" || status.state === "failed";

  // §1.B.1: a newer connection for this BotID took over; the SDK stops without reconnecting, to avoid a kick loop.
  const kicked = () => {
    accepting = false;
    to("kicked", { hint: "another instance connected with the same WECOM_BOT_ID; run exactly one active instance per bot" }, "error");
  };

  client.on("connected", () => to("authenticating"));
  client.on("authenticated", () => to("online"));
  client.on("disconnected", (reason) => {
    if (reason.startsWith("New connection established")) kicked(); // the SDK's reason when it saw disconnected_event
    else if (!ended()) to("reconnecting", { reason: reason.slice(0, 100) }, "warn");
  });
  client.on("reconnecting", (attempt) => {
    status = { ...status, reconnects: status.reconnects + 1 };
    to("reconnecting", { attempt }, "warn");
  });
  client.on("error", (e) => {
    status = { ...status, lastError: e.message.slice(0, 200) };
    if (e instanceof WSAuthFailureError) {
      accepting = false;
      to("failed", { error: e.message, hint: "check WECOM_BOT_ID and WECOM_BOT_SECRET against 智能机器人 → API 模式 → 长连接" }, "error");
    } else log.warn("wecom long connection: error", { error: e.message.slice(0, 200) });
  });
  client.on("event.disconnected_event", kicked);
  client.on("message", (frame) => track(onFrame(frame)));
  // The SDK handles disconnected_event itself (above); every other event is a callback body too (§1.A.5).
  client.on("event", (frame) => void (frame.body?.event?.eventtype !== "disconnected_event" && track(onFrame(frame))));

  function track(p: Promise<void>) {
    const t = p
      .catch((e) => log.error("wecom long connection: frame handling failed", { error: String(e).slice(0, 200) }))
      .finally(() => {
        inFlight.delete(t);
        status = { ...status, inFlight: inFlight.size };
      });
    inFlight.add(t);
    status = { ...status, inFlight: inFlight.size };
  }

  /** The pipeline's replies; a failure is logged and answered politely (nothing was committed). */
  async function run(msgId: string, work: () => Promise<Replies>): Promise<Replies> {
    try {
      return await work();
    } catch (e) {
      log.error("wecom long connection: message failed", { msgId, error: String(e).slice(0, 200) });
      return [BUSY];
    }
  }
  const markdownOf = (replies: Replies) => replies.map(renderWecom).join("\n\n");

  /** Replies resolve on the server's ack; a lost one is logged — the work is committed and a redelivery gets it (R06). */
  const acked = (msgId: string, p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => log.warn("wecom long connection: reply not acknowledged", { msgId, ...errorOf(e) }),
    );

  const push = async (chatid: string, markdown: string) => {
    for (const content of splitMessage(markdown, STREAM_MAX_BYTES)) await client.sendMessage(chatid, { msgtype: "markdown", markdown: { content } });
  };

  async function onFrame(frame: WsFrame) {
    if (!accepting) return;
    const parsed = callbackPayload.safeParse(frame.body);
    if (!parsed.success) {
      log.warn("wecom long connection: unsupported frame ignored", { issues: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".")} ${i.message}`) });
      return;
    }
    const p = parsed.data;
    // [3P] the official plugin checks aibotid against its BotID as an extra safety net (§1.0).
    if (p.aibotid && p.aibotid !== botId) return log.warn("wecom long connection: frame for another bot ignored", { aibotid: p.aibotid });
    const inbound = toInbound(p);
    log.debug("wecom long connection: frame", { kind: inbound.kind, msgtype: p.msgtype, chattype: p.chattype });
    switch (inbound.kind) {
      case "message": {
        const { msg, media } = inbound;
        const replies = await run(msg.msgId, async () => handleMessage(deps, { ...msg, uploads: await downloadWsMedia(http, p, media, log) }));
        // Issue 11: buttons in a reply travel as a card pushed right after the text (§1.B.4 allows template_card).
        const { card, rest } = splitCard(replies, taskIdOf(`r_${msg.msgId}`));
        await answer(frame, p, msg.msgId, markdownOf(rest));
        if (card) await sendCard(p, msg.msgId, card);
        return;
      }
      case "card": {
        const { msg, taskId } = inbound;
        const replies = await run(msg.msgId, async () => handleMessage(deps, { ...msg, uploads: [] }));
        // §1.B.3: a card click is answered with aibot_respond_update_msg within 5 s (a stream on its req_id fails, 846605).
        if (taskId) return acked(msg.msgId, clickUpdate(deps, { command: msg.text, clickerId: msg.senderId, chatId: msg.chatId, taskId }, replies).then((u) => client.reply(frame, u, "aibot_respond_update_msg")));
        return acked(msg.msgId, push(sendTarget(p), markdownOf(replies)));
      }
      case "welcome": // §1.B.3: enter_chat only, within 5 s
        return acked(p.msgid ?? "enter_chat", client.replyWelcome(frame, JSON.parse(welcomeText())));
      default:
        log.debug("wecom long connection: frame ignored", { kind: inbound.kind });
    }
  }

  /** A reply's card as aibot_send_msg; if WeCom refuses it, its buttons follow as the typed-command quote instead. */
  async function sendCard(p: CallbackPayload, msgId: string, card: TemplateCard) {
    try {
      await client.sendMessage(sendTarget(p), { msgtype: "template_card", template_card: card as never });
    } catch (e) {
      log.warn("wecom long connection: card not accepted; sending its buttons as text", { msgId, ...errorOf(e) });
      const keys = ((card.button_list ?? []) as { key: string }[]).map((b) => b.key);
      await acked(msgId, push(sendTarget(p), `> 可回复：${keys.join(" / ")}`));
    }
  }

  /** One finished stream on the frame's req_id (§1.B.3); text beyond 20480 bytes follows as proactive markdown. */
  function answer(frame: WsFrame, p: CallbackPayload, msgId: string, md: string) {
    const [first = "", ...rest] = splitMessage(md, STREAM_MAX_BYTES);
    return acked(
      msgId,
      client.replyStream(frame, streamIdFor(msgId), first, true).then(async () => {
        if (rest.length) await push(sendTarget(p), rest.join(""));
      }),
    );
  }

  /**
   * A card chunk of an outbox row. If WeCom answers with an error other than a rate limit or an unreachable chat
   * (e.g. a tenant or client that takes no button cards), the same content goes as markdown with the typed-command
   * quote, so the push is never stuck retrying a card.
   */
  async function sendCardRow(target: string, card: TemplateCard): Promise<DeliverResult> {
    try {
      await client.sendMessage(target, { msgtype: "template_card", template_card: card as never });
      return { ok: true };
    } catch (e) {
      const { errcode } = errorOf(e);
      if (errcode === undefined || errcode === ERR_RATE_LIMITED || errcode === ERR_INVALID_CHATID) throw e;
      log.warn("wecom long connection: card refused; sent as markdown instead", { errcode });
      await client.sendMessage(target, { msgtype: "markdown", markdown: { content: cardAsMarkdown(card) } });
      return { ok: true };
    }
  }

  const deliver: SendRow = async (row) => {
    if (status.state !== "online" || !client.isConnected) return { ok: false, retryable: true, error: `long connection is ${status.state}` };
    const p = row.payload as { markdown?: string; text?: string; template_card?: TemplateCard };
    // Mentions are not added: <@userid> in smart-bot markdown is UNCONFIRMED (§7 item 8).
    try {
      if (p.template_card) return await sendCardRow(row.target, p.template_card);
      await client.sendMessage(row.target, { msgtype: "markdown", markdown: { content: p.markdown ?? p.text ?? "" } });
      return { ok: true };
    } catch (e) {
      return classifySendError(e);
    }
  };

  return {
    start() {
      if (accepting) return;
      accepting = true;
      to("connecting");
      client.connect();
    },
    async stop() {
      accepting = false;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => (timer = setTimeout(r, opts.drainMs ?? 5_000)))]);
      clearTimeout(timer);
      const prev = status.state;
      to("stopped");
      if (prev !== "idle" && prev !== "kicked" && prev !== "stopped") client.disconnect(); // also cancels a pending reconnect
    },
    status: () => ({ ...status }),
    deliver,
  };
}

/**
 * The decrypted smart-bot callback JSON (wecom.md §1.A.3, §1.A.5, §1.A.7, §4.3), validated once with zod, and its
 * mapping to the channel-agnostic IncomingMessage. Media URLs are returned separately: the adapter downloads them.
 */
import * as z from "zod/v4"; // a namespace import lets the bundler drop what we do not use (Worker size)
import type { IncomingMessage } from "../message.js";
import { CARD_COMMAND } from "./card.js";

const id = z.string().min(1).max(256);
const content = z.object({ content: z.string().max(20_000) });
const media = z.object({ url: z.url({ protocol: /^https?$/ }), aeskey: z.string().max(64).optional() });
const mixed = z.object({
  msg_item: z
    .array(z.object({ msgtype: z.string().max(32), text: content.optional(), image: media.optional() }))
    .max(50),
});

/** §1.A.3: `quote` carries one of the message bodies. */
const quote = z.object({
  msgtype: z.string().max(32),
  text: content.optional(),
  voice: content.optional(),
  mixed: mixed.optional(),
});

const envelope = z.object({
  msgid: id.optional(),
  aibotid: z.string().max(256).optional(),
  chatid: id.optional(),
  chattype: z.enum(["single", "group"]).default("single"),
  from: z.object({ userid: id, corpid: z.string().max(256).optional() }),
  create_time: z.coerce.number().int().nonnegative().optional(),
  response_url: z.url({ protocol: /^https?$/ }).max(2048).optional(),
  quote: quote.optional(),
});

/** §1.A.5 / §4.3: the card payload is nested under `event.template_card_event`; the SDK types it flat (§7 item 12). */
const cardEvent = z.object({
  card_type: z.string().max(64).optional(),
  event_key: z.string().max(1024).optional(),
  task_id: z.string().max(128).optional(),
});

const event = z
  .object({ eventtype: z.string().min(1).max(64), template_card_event: cardEvent.optional() })
  .extend({ event_key: z.string().max(1024).optional(), task_id: z.string().max(128).optional(), card_type: z.string().max(64).optional() });

export const callbackPayload = z.discriminatedUnion("msgtype", [
  envelope.extend({ msgtype: z.literal("text"), text: content }),
  envelope.extend({ msgtype: z.literal("image"), image: media }),
  envelope.extend({ msgtype: z.literal("mixed"), mixed }),
  envelope.extend({ msgtype: z.literal("voice"), voice: content }),
  envelope.extend({ msgtype: z.literal("file"), file: media }),
  envelope.extend({ msgtype: z.literal("video"), video: media }),
  envelope.extend({ msgtype: z.literal("stream"), stream: z.object({ id }) }),
  envelope.extend({ msgtype: z.literal("event"), event }),
]);
export type CallbackPayload = z.infer<typeof callbackPayload>;

export type MediaRef = { url: string; kind: "image" | "file" | "video" };

/** What the adapter does with one callback. */
export type Inbound =
  | { kind: "message"; msg: Omit<IncomingMessage, "uploads">; media: MediaRef[]; responseUrl?: string }
  | { kind: "card"; msg: Omit<IncomingMessage, "uploads">; taskId?: string; cardType?: string; responseUrl?: string }
  | { kind: "stream"; streamId: string }
  | { kind: "welcome" }
  | { kind: "ignore"; why: string };

/** Keys of cards sent before issue 11's cards: `<verb>:<case id>[:<reason>]` (e.g. "ack:12"). */
const CARD_VERBS: Record<string, string> = { ack: "签收", approve: "通过", reject: "驳回" };

/**
 * The command a card click asks for: the key is the command itself (card.ts), limited to the card verbs; anything
 * else is ignored. It then runs like typed text, as the clicker, so a forged key gains nothing over typing it.
 */
export function cardCommand(eventKey: string | undefined): string | undefined {
  const key = (eventKey ?? "").trim();
  if (CARD_COMMAND.test(key)) return key;
  const m = /^([a-z]+):(\d{1,9})(?::([\s\S]{1,500}))?$/.exec(key);
  const verb = m && CARD_VERBS[m[1]];
  return verb ? `${verb} #${m[2]}${m[3] ? ` ${m[3]}` : ""}` : undefined;
}

/** 32-bit FNV-1a as 8 hex digits: a short, stable tag (not a security measure). */
function fnv1a(s: string): string {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(s)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, "0");
}

/** Group chats are keyed by chatid; single chats by the sender, as "single:<userid>". */
export function chatIdOf(p: CallbackPayload): string | undefined {
  return p.chattype === "group" ? p.chatid : `single:${p.from.userid}`;
}

function textsOf(m: z.infer<typeof mixed>): string {
  return m.msg_item.flatMap((i) => (i.msgtype === "text" && i.text ? [i.text.content] : [])).join("\n");
}

function quotedText(q: z.infer<typeof quote> | undefined): { text?: string } | undefined {
  if (!q) return undefined;
  const text = q.text?.content ?? q.voice?.content ?? (q.mixed ? textsOf(q.mixed) : undefined);
  return { text };
}

/**
 * Maps a validated payload. The leading "@bot" of group text is left for the parser, which strips it (spec §3).
 * Events have no msgid; they are deduplicated on from.userid + create_time (reliability R07).
 */
export function toInbound(p: CallbackPayload): Inbound {
  if (p.msgtype === "stream") return { kind: "stream", streamId: p.stream.id };
  const chatId = chatIdOf(p);
  if (!chatId) return { kind: "ignore", why: "group callback without chatid" };
  const msgId = p.msgid ?? (p.create_time !== undefined ? `${p.from.userid}:${p.create_time}` : undefined);
  if (!msgId) return { kind: "ignore", why: "callback without msgid or create_time" };
  const base = { channel: "wecom" as const, msgId, chatId, chatType: p.chattype, senderId: p.from.userid, quoted: quotedText(p.quote) };

  if (p.msgtype === "event") {
    const e = p.event;
    if (e.eventtype === "enter_chat") return { kind: "welcome" };
    if (e.eventtype !== "template_card_event") return { kind: "ignore", why: `event ${e.eventtype}` };
    const card = e.template_card_event ?? e;
    const text = cardCommand(card.event_key);
    if (!text) return { kind: "ignore", why: "card event with an unknown event_key" };
    // Two taps by one person within a second (通过 right after 驳回) share userid:create_time: the key tells them apart.
    const clickId = p.msgid ?? `${msgId}:${fnv1a(`${card.task_id ?? ""}\n${card.event_key ?? ""}`)}`;
    return { kind: "card", msg: { ...base, msgId: clickId, text }, taskId: card.task_id, cardType: card.card_type, responseUrl: p.response_url };
  }

  const refs: MediaRef[] = [];
  let text = "";
  switch (p.msgtype) {
    case "text":
      text = p.text.content;
      break;
    case "voice":
      text = p.voice.content; // §1.A.3: the server-side transcription; no audio is delivered
      break;
    case "mixed":
      text = textsOf(p.mixed);
      for (const i of p.mixed.msg_item) if (i.msgtype === "image" && i.image) refs.push({ url: i.image.url, kind: "image" });
      break;
    case "image":
      refs.push({ url: p.image.url, kind: "image" });
      break;
    case "file":
      refs.push({ url: p.file.url, kind: "file" });
      break;
    case "video":
      refs.push({ url: p.video.url, kind: "video" });
      break;
  }
  return { kind: "message", msg: { ...base, text }, media: refs, responseUrl: p.response_url };
}

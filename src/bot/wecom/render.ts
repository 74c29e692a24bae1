/**
 * Neutral content → WeCom (wecom.md §2.2, §2.3, §3): markdown with bold, <font color>, quotes and <@userid>
 * mentions; plain text as msgtype text with mentioned_list. Splits to WeCom's byte limits on block boundaries
 * first (R19). Buttons are a "可回复：…" quote line here — what the group webhook can show; where a smart bot can
 * send a template card, card.ts draws them as buttons instead (issue 11).
 */
import { isMessage, spanText, type Block, type Button, type Content, type Message, type Span } from "../../domain/message.js";
import { packBlocks, splitBytes } from "../../delivery/split.js";
import type { Chunk, OutboxPayload } from "../../delivery/types.js";

/** Byte limits of one group-robot message (wecom.md §2.2). */
export const WECOM_LIMITS = { markdown: 4096, text: 2048 } as const;

/** WeCom's markup: never cut inside a link, a mention or a coloured run. */
const ATOMS = /\[[^\]\n]*\]\([^)\s]*\)|<@[^>\s]+>|<font color="[a-z]+">[^<]*<\/font>|[\s\S]/gu;

const COLOR = { warn: "warning", info: "info", muted: "comment" } as const;

function span(s: Span, inTitle = false): string {
  if (typeof s === "string") return s;
  if ("tone" in s) return s.tone === "strong" ? (inTitle ? s.text : `**${s.text}**`) : `<font color="${COLOR[s.tone]}">${s.text}</font>`;
  if ("mention" in s) return `<@${s.mention}>`;
  if ("caseId" in s) return s.text ?? `#${s.caseId}`;
  return `[${s.text}](${s.link})`;
}

/** Buttons as a line a person can type back (the command each button would run). */
export const buttonsAsQuote = (b: Button[]): string => `> 可回复：${b.map((x) => x.command).join(" / ")}`;

export type WecomRenderOptions = { buttons?: (b: Button[]) => string };

function block(b: Block, o: WecomRenderOptions): string {
  if (b.kind === "buttons") return (o.buttons ?? buttonsAsQuote)(b.buttons);
  const t = b.spans.map((s) => span(s, b.kind === "title")).join("");
  return b.kind === "title" ? `**${t}**` : b.kind === "quote" ? `> ${t}` : t;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Buttons whose command the text already spells out (e.g. "请发送：签收 #12") are not repeated as a quote line. */
function unsaid(m: Message, b: Button[]): Button[] {
  const text = m.blocks.map((x) => (x.kind === "buttons" ? "" : x.spans.map(spanText).join(""))).join("\n");
  return b.filter((x) => !new RegExp(`${escapeRe(x.command)}(?!\\d)`).test(text));
}

/** One markdown string per block, then the message's own `mentions` (and `extra` ones) as a last line of <@…>. */
export function wecomBlocks(m: Message, extra: string[] = [], o: WecomRenderOptions = {}): string[] {
  const tail = [...new Set([...(m.mentions ?? []), ...extra])];
  const out = m.blocks.flatMap((b) => {
    if (b.kind !== "buttons" || o.buttons) return [block(b, o)];
    const left = unsaid(m, b.buttons);
    return left.length ? [buttonsAsQuote(left)] : [];
  });
  if (tail.length) out.push(tail.map((u) => `<@${u}>`).join(" "));
  return out;
}

/** WeCom markdown for a reply or push; plain-text content passes through as it is. One argument: `.map(renderWecom)`. */
export const renderWecom = (c: Content): string => renderWecomWith(c);

export function renderWecomWith(c: Content, o: WecomRenderOptions = {}): string {
  return isMessage(c) ? wecomBlocks(c, [], o).join("\n") : c;
}

/**
 * An outbox payload as group-robot chunks (src/delivery/types.ts `Channel.render`): `{ markdown }` for a neutral
 * message, `{ text, mentions }` for plain text (mentions ride on the last chunk), and the pre-issue-15 forms
 * `{ markdown, mentions }` / `{ text, mentions }` split as before.
 */
export function renderWecomChunks(p: OutboxPayload): Chunk[] {
  const mentions = p.mentions ?? [];
  if (isMessage(p.message)) return packBlocks(wecomBlocks(p.message, mentions), WECOM_LIMITS.markdown, "\n", ATOMS).map((markdown) => ({ markdown }));
  if (typeof p.message === "string") return textChunks(p.message, mentions);
  if (typeof p.markdown === "string") {
    const parts = splitBytes(p.markdown, WECOM_LIMITS.markdown, ATOMS);
    return parts.map((markdown, i) => (i === parts.length - 1 && mentions.length ? { markdown, mentions } : { markdown }));
  }
  if (typeof p.text === "string") return textChunks(p.text, mentions);
  throw new Error("消息内容为空或格式无法识别 / outbox payload has no message, markdown or text");
}

function textChunks(text: string, mentions: string[]): Chunk[] {
  const parts = splitBytes(text, WECOM_LIMITS.text, ATOMS);
  return parts.map((t, i) => (i === parts.length - 1 && mentions.length ? { text: t, mentions } : { text: t }));
}

/** The markdown (or text) of one rendered chunk, for channels that only take markdown (response_url, socket). */
export const chunkMarkdown = (c: Chunk): string => String(c.markdown ?? c.text ?? "");

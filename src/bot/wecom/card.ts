/**
 * Neutral content with buttons → a WeCom `button_interaction` template card (wecom.md §4.1, §4.2). Only smart bots
 * (callback replies, the long connection) can send one; the group webhook cannot (§2.2), so there the buttons stay
 * a "可回复：…" quote (render.ts). A button's `key` is its command text: the click is parsed and run like typed
 * text, as the clicker (card-click.ts), so a forged key can do no more than typing it (issue 11).
 */
import { spanText, type Block, type Button, type Content, type Message } from "../../domain/message.js";

/** §4.2 limits: characters (字) for display text, bytes for keys and task_id. */
export const CARD_LIMITS = { buttons: 6, buttonText: 10, keyBytes: 1024, title: 26, titleDesc: 30, subTitle: 112, horizontal: 6, keyname: 5, value: 26, taskIdBytes: 128 } as const;

export type TemplateCard = Record<string, unknown> & { card_type: string; task_id?: string };

/** Verbs a card button may carry; any other key is ignored (payload.ts). Several case numbers only for 签收 (imports). */
export const CARD_COMMAND = /^(签收|通过|驳回|同意延期|不同意延期) ?((?:#\d{1,9})(?: #\d{1,9})*)$/u;

const bytes = (s: string) => new TextEncoder().encode(s).byteLength;
const chars = (s: string) => [...s].length;

/** At most `n` characters, with "…" when cut. */
export function clip(s: string, n: number): string {
  const cs = [...s];
  return cs.length <= n ? s : `${cs.slice(0, n - 1).join("")}…`;
}

/** The button's key: its command, when it is one a card may carry and fits 1024 bytes; otherwise no key (no button). */
export function keyOf(b: Button): string | undefined {
  const k = b.command.trim();
  return CARD_COMMAND.test(k) && bytes(k) <= CARD_LIMITS.keyBytes ? k : undefined;
}

/** WeCom's button styles are 1–4 (default 1, §4.2); primary → 1, danger → 3, others → 2 (the colours are UNCONFIRMED). */
const STYLE = { primary: 1, danger: 3 } as const;

/** §4.2: task_id is [0-9A-Za-z_-@], at most 128 bytes, unique per bot. */
export function taskIdOf(seed: string): string {
  return `duban_${seed.replace(/[^0-9A-Za-z_@-]/g, "_")}`.slice(0, CARD_LIMITS.taskIdBytes);
}

const textOf = (b: Block) => (b.kind === "buttons" ? "" : b.spans.map(spanText).join("").trim());

/** "牵头：荷花池街道" (or several such parts split by 　 or ｜) as horizontal items when each fits §4.2's limits. */
function pairsOf(text: string): { keyname: string; value: string }[] | undefined {
  const parts = text.split(/[　｜|]+/u).map((p) => p.trim()).filter(Boolean);
  const out = parts.map((p) => /^([^：:]{1,5})[：:](.+)$/u.exec(p)).map((m) => (m && chars(m[2].trim()) <= CARD_LIMITS.value ? { keyname: m[1].trim(), value: m[2].trim() } : undefined));
  return out.length && out.every(Boolean) ? (out as { keyname: string; value: string }[]) : undefined;
}

export type CardOf = { card: TemplateCard; complete: boolean };

/**
 * The card of a message that has buttons (undefined otherwise). `complete` says that every line made it onto the
 * card uncut; when it is false the caller sends the text as markdown too, so nothing is lost to the card's limits.
 */
export function cardOf(m: Message, taskId: string): CardOf | undefined {
  const seen = new Set<string>();
  const buttons = m.blocks
    .flatMap((b) => (b.kind === "buttons" ? b.buttons : []))
    .flatMap((b) => {
      const key = keyOf(b);
      if (!key || seen.has(key)) return [];
      seen.add(key);
      return [{ text: clip(b.label, CARD_LIMITS.buttonText), style: b.style ? STYLE[b.style] : 2, key }];
    });
  if (!buttons.length) return undefined;
  let complete = buttons.length <= CARD_LIMITS.buttons;
  const texts = m.blocks.filter((b) => b.kind !== "buttons").map((b) => ({ kind: b.kind, text: textOf(b) })).filter((b) => b.text);
  const head = texts.find((b) => b.kind === "title") ?? texts[0];
  const horizontal: { keyname: string; value: string }[] = [];
  const sub: string[] = [];
  for (const b of texts) {
    if (b === head) continue;
    const pairs = b.kind === "line" ? pairsOf(b.text) : undefined;
    if (pairs && horizontal.length + pairs.length <= CARD_LIMITS.horizontal) horizontal.push(...pairs);
    else sub.push(b.text);
  }
  const title = head?.text ?? buttons[0].text;
  const subText = sub.join("\n");
  if (chars(title) > CARD_LIMITS.title || chars(subText) > CARD_LIMITS.subTitle) complete = false;
  const card: TemplateCard = {
    card_type: "button_interaction",
    task_id: taskId,
    main_title: { title: clip(title, CARD_LIMITS.title) },
    ...(subText ? { sub_title_text: clip(subText, CARD_LIMITS.subTitle) } : {}),
    ...(horizontal.length ? { horizontal_content_list: horizontal } : {}),
    button_list: buttons.slice(0, CARD_LIMITS.buttons),
  };
  return { card, complete };
}

/** The first message of `replies` that can be a card, and the replies with that message's buttons left out. */
export function splitCard(replies: Content[], taskId: string): { card?: TemplateCard; rest: Content[] } {
  for (let i = 0; i < replies.length; i++) {
    const r = replies[i];
    if (typeof r === "string") continue;
    const c = cardOf(r, taskId);
    if (c) return { card: c.card, rest: replies.map((x, j) => (j === i ? withoutButtons(r) : x)) };
  }
  return { rest: replies };
}

/** The message without its button blocks (the card carries them). */
export const withoutButtons = (m: Message): Message => ({ ...m, blocks: m.blocks.filter((b) => b.kind !== "buttons") });

/** A card's content as WeCom markdown with its buttons as the typed-command quote: for when WeCom refuses the card. */
export function cardAsMarkdown(card: TemplateCard): string {
  const main = (card.main_title ?? {}) as { title?: string; desc?: string };
  const items = ((card.horizontal_content_list ?? []) as { keyname: string; value?: string; type?: number }[]).filter((h) => h.type !== 3);
  const keys = ((card.button_list ?? []) as { key: string }[]).map((b) => b.key);
  return [
    main.title ? `**${main.title}**` : "",
    main.desc ?? "",
    ...items.map((h) => `${h.keyname}：${h.value ?? ""}`),
    String(card.sub_title_text ?? ""),
    keys.length ? `> 可回复：${keys.join(" / ")}` : "",
  ].filter(Boolean).join("\n");
}

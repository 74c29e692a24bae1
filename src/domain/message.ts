/**
 * Neutral chat content (issue 15): what handlers and schedules say, with no platform's markup or limits.
 * Each channel renders it (src/bot/wecom/render.ts, src/bot/dingtalk/render.ts, the simulator) and splits it
 * to its own byte limit; `toPlain` is the text for logs, tests and channels without formatting.
 * Follows the Vercel Chat SDK: content stays neutral, adapters own `renderFormatted`.
 */

/** How a span stands out; each channel maps it (WeCom: bold / <font color>; DingTalk: bold / colour). */
export type Tone = "strong" | "warn" | "info" | "muted";

/** A piece of a line: plain text, emphasised text, a person to @ by our user id, a case number, or a link. */
export type Span =
  | string
  | { text: string; tone: Tone }
  | { mention: string; name?: string }
  | { caseId: number; text?: string }
  | { link: string; text: string };

/** A button a channel may draw; the click runs the same use case as the typed `command` (e.g. "签收 #12"). */
export type Button = { label: string; command: string; style?: "primary" | "danger" };

export type Block =
  | { kind: "title"; spans: Span[] } // the headline: bold on every channel
  | { kind: "line"; spans: Span[] }
  | { kind: "quote"; spans: Span[] } // a hint or next step, set apart
  | { kind: "buttons"; buttons: Button[] };

/** A whole message; `mentions` are people to @ at the end (our user ids), beside any inline mention spans. */
export type Message = { blocks: Block[]; mentions?: string[] };

/** What a use case or schedule hands a channel: plain text (no markup at all) or a neutral message. */
export type Content = string | Message;

export const isMessage = (c: unknown): c is Message => typeof c === "object" && c !== null && Array.isArray((c as Message).blocks);

// Builders: short, so a handler reads like the message it sends.
export const strong = (text: string): Span => ({ text, tone: "strong" });
export const warn = (text: string): Span => ({ text, tone: "warn" });
export const info = (text: string): Span => ({ text, tone: "info" });
export const muted = (text: string): Span => ({ text, tone: "muted" });
export const mention = (userId: string, name?: string): Span => (name ? { mention: userId, name } : { mention: userId });
export const caseLink = (caseId: number, text?: string): Span => (text ? { caseId, text } : { caseId });
export const link = (url: string, text: string): Span => ({ link: url, text });

export const title = (...spans: Span[]): Block => ({ kind: "title", spans });
export const line = (...spans: Span[]): Block => ({ kind: "line", spans });
export const quote = (...spans: Span[]): Block => ({ kind: "quote", spans });
export const buttons = (...b: Button[]): Block => ({ kind: "buttons", buttons: b });

/** A message from blocks (or lists of them); strings become plain lines and multi-line strings one line each. Empty strings are skipped. */
export function msg(...parts: (Block | Block[] | string | undefined | false | null)[]): Message {
  const blocks: Block[] = [];
  for (const p of parts) {
    if (p === undefined || p === false || p === null || p === "") continue;
    if (typeof p === "string") blocks.push(...p.split("\n").map((t) => line(t)));
    else if (Array.isArray(p)) blocks.push(...p);
    else blocks.push(p);
  }
  return { blocks };
}

/** The same message with people to @ at the end (our user ids; blanks and repeats dropped). */
export const withMentions = (m: Message, userIds: string[]): Message => ({ ...m, mentions: [...new Set([...(m.mentions ?? []), ...userIds.filter(Boolean)])] });

/** Any content as a message (plain text: one line per text line). */
export const asMessage = (c: Content): Message => (typeof c === "string" ? msg(c) : c);

/** Join messages one after another (e.g. a reply that carries two cards). */
export function concat(...parts: Content[]): Message {
  const ms = parts.map(asMessage);
  return { blocks: ms.flatMap((m) => m.blocks), mentions: [...new Set(ms.flatMap((m) => m.mentions ?? []))] };
}

/** The text of one span without any formatting. */
export function spanText(s: Span): string {
  if (typeof s === "string") return s;
  if ("tone" in s) return s.text;
  if ("mention" in s) return `@${s.name ?? s.mention}`;
  if ("caseId" in s) return s.text ?? `#${s.caseId}`;
  return s.text;
}

/** Plain text: for logs, the audit trail, tests and channels that cannot format. Buttons become "可回复：…". */
export function toPlain(c: Content): string {
  if (typeof c === "string") return c;
  const out = c.blocks.map((b) => {
    if (b.kind === "buttons") return `可回复：${b.buttons.map((x) => x.command).join(" / ")}`;
    const t = b.spans.map(spanText).join("");
    return b.kind === "quote" ? `> ${t}` : t;
  });
  if (c.mentions?.length) out.push(c.mentions.map((u) => `@${u}`).join(" "));
  return out.join("\n");
}

/** Rewrite every piece of text (e.g. masking personal data, R39); structure, mentions and buttons stay. */
export function mapText(c: Content, f: (t: string) => string): Content {
  if (typeof c === "string") return f(c);
  const span = (s: Span): Span => (typeof s === "string" ? f(s) : "tone" in s || "link" in s ? { ...s, text: f(s.text) } : s);
  return { ...c, blocks: c.blocks.map((b) => (b.kind === "buttons" ? b : { ...b, spans: b.spans.map(span) })) };
}

/** Every user id the message @-mentions, inline or at the end, without duplicates. */
export function mentionsOf(m: Message): string[] {
  const inline = m.blocks.flatMap((b) => (b.kind === "buttons" ? [] : b.spans.flatMap((s) => (typeof s === "object" && "mention" in s ? [s.mention] : []))));
  return [...new Set([...inline, ...(m.mentions ?? [])])];
}

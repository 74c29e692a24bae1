/** Plaintext bodies of passive replies (wecom.md §1.A.6), encrypted by the callback route; card updates: card-click.ts. */

const enc = new TextEncoder();

/** Cuts `s` to at most `maxBytes` of UTF-8 without splitting a code point. */
export function truncateBytes(s: string, maxBytes: number, tail = "…"): string {
  if (enc.encode(s).byteLength <= maxBytes) return s;
  const budget = maxBytes - enc.encode(tail).byteLength;
  let out = "";
  let used = 0;
  for (const cp of s) {
    const b = enc.encode(cp).byteLength;
    if (used + b > budget) break;
    out += cp;
    used += b;
  }
  return out + tail;
}

/** The "empty package" (§1.A.6): the official plugin encrypts an empty object. */
export const EMPTY_REPLY = "{}";

/** §1.A.6: stream content holds at most 20480 bytes; we answer finished streams only, so no refresh follows. */
export function finishedStream(id: string, markdown: string): string {
  return JSON.stringify({ msgtype: "stream", stream: { id, finish: true, content: truncateBytes(markdown, 20_000) } });
}

/** §1.A.6: text is allowed only as the answer to enter_chat. */
export function welcomeText(): string {
  return JSON.stringify({ msgtype: "text", text: { content: "您好，我是督办助手。在群里 @我 并发送命令，或直接在这里发送；发送「帮助」查看全部命令。" } });
}

/**
 * §1.A.6: a finished stream and a template card in one passive reply (a card at most once per message). Used when a
 * reply carries buttons (card.ts); the stream keeps the whole text, the card the buttons.
 */
export function finishedStreamWithCard(id: string, markdown: string, card: Record<string, unknown>): string {
  return JSON.stringify({ msgtype: "stream_with_template_card", stream: { id, finish: true, content: truncateBytes(markdown, 20_000) }, template_card: card });
}

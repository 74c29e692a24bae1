/** Plaintext bodies of passive replies (wecom.md §1.A.6, §4.4), encrypted by the callback route. */

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

/** Markdown → one-line-per-paragraph plain text for card fields. */
function plain(md: string): string {
  return md
    .replace(/<font[^>]*>|<\/font>/g, "")
    .replace(/<@[^>\s]+>/g, "")
    .replace(/\*\*/g, "")
    .replace(/^>\s?/gm, "")
    .trim();
}

/**
 * §4.4: the answer to a template_card_event replaces the clicked card for everyone. A text_notice with the result
 * (it needs card_action, §4.2); task_id must be the event's own.
 */
export function cardUpdate(taskId: string, markdown: string, linkUrl: string): string {
  const [first = "已处理", ...rest] = plain(markdown).split("\n");
  return JSON.stringify({
    response_type: "update_template_card",
    template_card: {
      card_type: "text_notice",
      task_id: taskId,
      main_title: { title: [...first].slice(0, 26).join("") },
      ...(rest.length ? { sub_title_text: [...rest.join(" ")].slice(0, 112).join("") } : {}),
      card_action: { type: 1, url: linkUrl },
    },
  });
}

/** Neutral content → WeCom markdown (wecom.md §3: bold, <font color>, quotes, <@userid> mentions). */
import { isMessage, type Content, type Span } from "../../domain/message.js";

const COLOR = { warn: "warning", info: "info", muted: "comment" } as const;

function span(s: Span, inTitle = false): string {
  if (typeof s === "string") return s;
  if ("tone" in s) return s.tone === "strong" ? (inTitle ? s.text : `**${s.text}**`) : `<font color="${COLOR[s.tone]}">${s.text}</font>`;
  if ("mention" in s) return `<@${s.mention}>`;
  if ("caseId" in s) return s.text ?? `#${s.caseId}`;
  return `[${s.text}](${s.link})`;
}

/** WeCom markdown for a reply or push; plain-text content passes through as it is. */
export function renderWecom(c: Content): string {
  if (!isMessage(c)) return c;
  const lines = c.blocks.map((b) => {
    if (b.kind === "buttons") return `> 可回复：${b.buttons.map((x) => x.command).join(" / ")}`;
    const t = b.spans.map((s) => span(s, b.kind === "title")).join("");
    return b.kind === "title" ? `**${t}**` : b.kind === "quote" ? `> ${t}` : t;
  });
  return lines.join("\n");
}

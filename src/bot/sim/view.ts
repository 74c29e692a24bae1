/**
 * How the simulator shows neutral content: WeCom's markdown (the page renders the same subset), the people to @
 * listed apart (the page shows their names), and buttons as real buttons that send their command when clicked.
 */
import { isMessage, type Button, type Content } from "../../domain/message.js";
import { wecomBlocks } from "../wecom/render.js";

export type SimView = { markdown: string; mentions: string[]; buttons: Button[] };

export function simView(c: Content, extraMentions: string[] = []): SimView {
  if (!isMessage(c)) return { markdown: c, mentions: [...new Set(extraMentions)], buttons: [] };
  const buttons = c.blocks.flatMap((b) => (b.kind === "buttons" ? b.buttons : []));
  const markdown = wecomBlocks({ blocks: c.blocks.filter((b) => b.kind !== "buttons") }).join("\n");
  return { markdown, mentions: [...new Set([...(c.mentions ?? []), ...extraMentions])], buttons };
}

/** An outbox payload as the simulator shows it; rows from before issue 15 carry WeCom markdown or text. */
export function payloadView(p: Record<string, unknown>): SimView {
  const mentions = Array.isArray(p.mentions) ? (p.mentions as string[]) : [];
  if (p.message !== undefined) return simView(p.message as Content, mentions);
  return { markdown: String(p.markdown ?? p.text ?? ""), mentions, buttons: [] };
}

/**
 * Neutral content → DingTalk markdown messages (dingtalk.md §4a): `{title, text}` with bold, `<font color=#…>`,
 * quotes, and @-mentions as "@<staffId>" in the text plus `at.atUserIds` (a person without a DingTalk id is written
 * by name, without @). Buttons become `dtmd://dingtalkclient/sendMessage?content=…` links that make the clicker send
 * the typed command (§5), with the command also shown: ActionCard buttons only open URLs and carry no clicker, and
 * interactive cards need a card template registered in the developer console per tenant, so they are left out.
 * Long content is split on block boundaries to MAX_TEXT_JSON_BYTES, never inside a mention or a character.
 */
import { isMessage, mentionsOf, type Block, type Content, type Span } from "../../domain/message.js";
import { splitMessage } from "../../delivery/split.js";

/**
 * Bytes of the JSON-escaped text per message. The tightest documented cap is msgParam ≤ 15 000 bytes (§4b; the
 * webhook body is ≤ 20 000, §4a); the rest leaves room for the title (≤ 100 chars, ~300 bytes) and the JSON frame.
 */
export const MAX_TEXT_JSON_BYTES = 14_000;
/** Title shown in the notification preview (§4b advises ≤ 100 characters). */
export const MAX_TITLE_CHARS = 100;

export type DingtalkPerson = { name: string; dingtalkId: string | null };
/** One DingTalk markdown message: what the sessionWebhook, the custom robot and groupMessages/send take. */
export type DingtalkMarkdown = { title: string; text: string; atUserIds: string[]; names: Record<string, string> };

/** Marks where a pinged @id needs a space on each side (DingTalk ends the id at whitespace); resolved per block. */
const PAD = "\u0000";
const PAD_RUN = new RegExp(` *${PAD} *`, "g");
const padOut = (t: string) => (t.includes(PAD) ? t.replace(PAD_RUN, " ").replace(/^ | $/g, "") : t);

const COLOR = { warn: "#D93026", info: "#1677FF", muted: "#8C8C8C" } as const;
const enc = new TextEncoder();
const jsonBytes = (s: string) => enc.encode(JSON.stringify(s)).byteLength;

/** Our user ids that a piece of content @-mentions (to look up their DingTalk ids before rendering). */
export const mentionedUserIds = (c: Content): string[] => (isMessage(c) ? mentionsOf(c) : []);

/** A command as a link that, tapped, sends the command as the clicker's own message (§5). */
export const commandLink = (label: string, command: string) => `[${label}](dtmd://dingtalkclient/sendMessage?content=${encodeURIComponent(command)})`;

type Ctx = { people: Map<string, DingtalkPerson>; at: Set<string>; names: Record<string, string>; botName: string };

function mentionText(userId: string, fallbackName: string | undefined, ctx: Ctx): string {
  const p = ctx.people.get(userId);
  if (p?.dingtalkId) {
    ctx.at.add(p.dingtalkId);
    ctx.names[p.dingtalkId] = p.name;
    return `${PAD}@${p.dingtalkId}${PAD}`;
  }
  return p?.name ?? fallbackName ?? userId; // no DingTalk account: named, not pinged, no spaces added
}

function span(s: Span, ctx: Ctx, inTitle: boolean): string {
  if (typeof s === "string") return s;
  if ("tone" in s) return s.tone === "strong" ? (inTitle ? s.text : `**${s.text}**`) : `<font color=${COLOR[s.tone]}>${s.text}</font>`;
  if ("mention" in s) return mentionText(s.mention, s.name, ctx);
  if ("caseId" in s) return s.text ?? `#${s.caseId}`;
  return `[${s.text}](${s.link})`;
}

function block(b: Block, ctx: Ctx): string {
  if (b.kind === "buttons") {
    const links = b.buttons.map((x) => commandLink(x.label, x.command)).join("　");
    return `${links}\n\n> 也可 @${ctx.botName} 发送：${b.buttons.map((x) => x.command).join(" / ")}`;
  }
  const t = padOut(b.spans.map((s) => span(s, ctx, b.kind === "title")).join(""));
  return b.kind === "title" ? `**${t}**` : b.kind === "quote" ? `> ${t}` : t;
}

function titleOf(c: Content): string {
  const plain = (spans: Span[]) => spans.map((s) => (typeof s === "string" ? s : "text" in s && s.text ? s.text : "caseId" in s ? `#${s.caseId}` : "")).join("");
  const first = isMessage(c) ? (c.blocks.find((b) => b.kind === "title") ?? c.blocks.find((b) => b.kind === "line")) : undefined;
  const raw = isMessage(c) ? (first && "spans" in first ? plain(first.spans) : "") : (c.split("\n").find((l) => l.trim()) ?? "");
  const t = raw.replace(/[*>`]/g, "").replace(/^#+\s*/, "").trim() || "督办助手";
  return [...t].slice(0, MAX_TITLE_CHARS).join("");
}

/** Pack rendered pieces (blocks or lines) into texts within the byte cap; an oversized piece is cut by code points. */
function pack(pieces: string[], sep: string): string[] {
  const out: string[] = [];
  let cur = "";
  let curBytes = 0; // jsonBytes(cur), kept incrementally: JSON escaping is per character, so sizes add up (minus quotes)
  const flush = () => {
    if (cur) out.push(cur);
    cur = "";
    curBytes = 0;
  };
  for (const piece of pieces) {
    const pieceBytes = jsonBytes(piece);
    if (pieceBytes > MAX_TEXT_JSON_BYTES) {
      // Worst-case JSON escaping doubles the bytes, so half the cap in raw bytes always fits; parts join with "".
      flush();
      const parts = splitMessage(piece, Math.floor(MAX_TEXT_JSON_BYTES / 2));
      out.push(...parts.slice(0, -1));
      cur = parts.at(-1) ?? "";
      curBytes = jsonBytes(cur);
      continue;
    }
    const added = cur ? jsonBytes(sep) - 2 + pieceBytes - 2 : pieceBytes;
    if (cur && curBytes + added > MAX_TEXT_JSON_BYTES) {
      flush();
      cur = piece;
      curBytes = pieceBytes;
    } else {
      cur = cur ? `${cur}${sep}${piece}` : piece;
      curBytes += added;
    }
  }
  if (cur || out.length === 0) out.push(cur);
  return out;
}

/**
 * Content (+ people to @ at the end, our user ids) as one or more DingTalk markdown messages. `people` maps our user
 * ids to names and DingTalk ids (src/db/dingtalk.ts dingtalkIdsOf). Each message's atUserIds are the ids in its text.
 */
export function renderDingtalk(c: Content, people: Map<string, DingtalkPerson>, opts: { mentions?: string[]; botName?: string } = {}): DingtalkMarkdown[] {
  const extraMentions = opts.mentions ?? [];
  const ctx: Ctx = { people, at: new Set(), names: {}, botName: opts.botName ?? "督办助手" };
  const pieces = isMessage(c) ? c.blocks.map((b) => block(b, ctx)) : c.split("\n");
  const inline = new Set(isMessage(c) ? c.blocks.flatMap((b) => ("spans" in b ? b.spans.flatMap((s) => (typeof s === "object" && "mention" in s ? [s.mention] : [])) : [])) : []);
  const tail = [...new Set([...(isMessage(c) ? (c.mentions ?? []) : []), ...extraMentions])].filter((u) => !inline.has(u)); // @ once
  if (tail.length) pieces.push(padOut(tail.map((u) => mentionText(u, undefined, ctx)).join(" ")));
  const title = titleOf(c);
  // Blocks are paragraphs; plain-text lines end in a markdown hard break ("  \n") so DingTalk keeps them apart.
  return pack(pieces, isMessage(c) ? "\n\n" : "  \n").map((text) => {
    const atUserIds = [...ctx.at].filter((id) => text.includes(`@${id}`));
    return { title, text, atUserIds, names: Object.fromEntries(atUserIds.map((id) => [id, ctx.names[id]])) };
  });
}

/** A markdown message as the body the sessionWebhook and the custom robot take (§4a). */
export const webhookBody = (m: DingtalkMarkdown) => ({ msgtype: "markdown", markdown: { title: m.title, text: m.text }, at: { atUserIds: m.atUserIds, isAtAll: false } });

/**
 * The app robot's group send has no `at` (§4b): "@<staffId>" would show a bare id, so names are written instead.
 */
export function withNames(m: DingtalkMarkdown): { title: string; text: string } {
  let text = m.text;
  for (const [id, name] of Object.entries(m.names)) text = text.split(`@${id}`).join(`@${name}`);
  return { title: m.title, text };
}

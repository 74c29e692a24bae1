/**
 * The app robot's message (dingtalk.md §1; identical as the HTTP body and the Stream CALLBACK `data`) → what the
 * pipeline needs. Unknown fields are ignored; the fields we act on are checked, so a malformed push is refused with
 * the path of what is wrong. Groups deliver only @bot messages; DingTalk removes the bot's own @name already, and
 * the parser drops any `@<BOT_NAMES>` left, so only trimming is needed here.
 */
import * as z from "zod/v4";

const picture = z.object({ downloadCode: z.string().min(1).max(2000).optional(), pictureDownloadCode: z.string().max(2000).optional() });
const richItem = z.union([
  z.object({ type: z.literal("picture"), downloadCode: z.string().max(2000).optional(), pictureDownloadCode: z.string().max(2000).optional() }),
  z.object({ text: z.string().max(20_000) }).loose(),
]);

export const robotMessage = z
  .object({
    msgId: z.string().min(1).max(200),
    msgtype: z.string().min(1).max(40),
    conversationId: z.string().min(1).max(200),
    conversationType: z.enum(["1", "2"]),
    conversationTitle: z.string().max(200).optional(),
    senderStaffId: z.string().min(1).max(200).optional(),
    senderNick: z.string().max(200).optional(),
    createAt: z.coerce.number().optional(),
    isInAtList: z.boolean().optional(),
    robotCode: z.string().max(200).optional(),
    chatbotCorpId: z.string().max(200).optional(),
    sessionWebhook: z.string().max(2000).optional(),
    sessionWebhookExpiredTime: z.coerce.number().optional(),
    text: z.object({ content: z.string().max(20_000) }).optional(),
    content: z.unknown().optional(),
  })
  .loose();
export type RobotMessage = z.infer<typeof robotMessage>;

/** A file to fetch through /v1.0/robot/messageFiles/download (§3). */
export type MediaRef = { downloadCode: string };

export type Inbound =
  | {
      kind: "message";
      msgId: string;
      /** The group's conversationId, or "single:<staffId>" for a one-to-one chat (as WeCom's single chats). */
      chatId: string;
      chatType: "group" | "single";
      staffId: string;
      text: string;
      media: MediaRef[];
      /** Reply URL named in the (signed) message, and until when DingTalk accepts it (ms epoch). */
      sessionWebhook?: { url: string; expiresAt: number };
      robotCode?: string;
    }
  | { kind: "ignore"; why: string };

const codeOf = (p: { downloadCode?: string; pictureDownloadCode?: string }) => p.downloadCode || p.pictureDownloadCode;

/** The message as the pipeline sees it; voice, file and video never reach a group bot (§1) and are ignored. */
export function toInbound(m: RobotMessage): Inbound {
  if (!m.senderStaffId) return { kind: "ignore", why: "message without senderStaffId (sender outside the organisation)" };
  const chatType = m.conversationType === "2" ? "group" : "single";
  const chatId = chatType === "group" ? m.conversationId : `single:${m.senderStaffId}`;
  let text = "";
  const media: MediaRef[] = [];
  if (m.msgtype === "text") {
    text = m.text?.content ?? "";
  } else if (m.msgtype === "picture") {
    const p = picture.safeParse(m.content);
    const code = p.success ? codeOf(p.data) : undefined;
    if (!code) return { kind: "ignore", why: "picture message without downloadCode" };
    media.push({ downloadCode: code });
  } else if (m.msgtype === "richText") {
    const items = z.object({ richText: z.array(richItem).max(50) }).safeParse(m.content);
    if (!items.success) return { kind: "ignore", why: "richText message without a richText list" };
    const parts: string[] = [];
    for (const it of items.data.richText) {
      if ("type" in it && it.type === "picture") {
        const code = codeOf(it as { downloadCode?: string; pictureDownloadCode?: string });
        if (code) media.push({ downloadCode: code });
      } else if ("text" in it) parts.push(it.text);
    }
    text = parts.join("");
  } else {
    return { kind: "ignore", why: `msgtype ${m.msgtype} is not handled (text, picture and richText are)` };
  }
  const sessionWebhook = m.sessionWebhook && m.sessionWebhookExpiredTime ? { url: m.sessionWebhook, expiresAt: m.sessionWebhookExpiredTime } : undefined;
  return { kind: "message", msgId: m.msgId, chatId, chatType, staffId: m.senderStaffId, text: text.trim(), media, sessionWebhook, robotCode: m.robotCode };
}

/** Parse a JSON body (or Stream `data`) → Inbound, or a refusal naming the first bad fields. */
export function readRobotMessage(json: unknown): Inbound | { refuse: string } {
  const p = robotMessage.safeParse(json);
  if (!p.success) return { refuse: `unsupported DingTalk message (${p.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")})` };
  return toInbound(p.data);
}

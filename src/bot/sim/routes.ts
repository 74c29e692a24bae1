/** The local chat simulator channel: JSON endpoints and a live stream, driving the same pipeline as WeCom. */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { asc, eq, inArray } from "drizzle-orm";
import * as z from "zod/v4"; // a namespace import lets the bundler drop what we do not use (Worker size)
import type { AppEnv } from "../../env.js";
import { groups, outbox, people, units } from "../../db/schema.js";
import { handleMessage } from "../pipeline.js";
import { renderWecom } from "../wecom/render.js";
import { targetOf } from "../../domain/targets.js";
import { simPage } from "./page.js";
import { payloadView, simView } from "./view.js";

const MAX_IMAGES = 9;
const MAX_IMAGE_CHARS = 14_000_000; // a 10 MB photo as base64 (13,981,016 characters) with its data: prefix
/** The request cap (src/web/body-limit.ts): nine such photos, plus 256 KB for the text (JSON-escaped) and ids. */
export const MAX_BODY_BYTES = MAX_IMAGES * MAX_IMAGE_CHARS + 256 * 1024;
const body = z.object({
  chatId: z.string().min(1).max(128),
  userId: z.string().min(1).max(128),
  text: z.string().max(20_000).default(""),
  images: z.array(z.string().max(MAX_IMAGE_CHARS)).max(MAX_IMAGES).optional(),
  msgId: z.string().min(1).max(128).optional(),
});

function decodeBase64(s: string): Uint8Array | undefined {
  const b64 = s.replace(/^data:[^;]+;base64,/, "");
  if (!/^[A-Za-z0-9+/=\s]*$/.test(b64)) return undefined;
  try {
    return Uint8Array.from(atob(b64.replace(/\s/g, "")), (ch) => ch.charCodeAt(0));
  } catch {
    return undefined;
  }
}

export function simRoutes(): Hono<AppEnv> {
  const r = new Hono<AppEnv>();

  r.get("/", (c) => c.html(simPage(c.get("deps").config.botNames[0]?.replace(/^@/, ""))));

  r.get("/directory", async (c) => {
    const { db } = c.get("deps");
    const unitRows = await db.select({ id: units.id, name: units.name }).from(units);
    const unitName = new Map(unitRows.map((u) => [u.id, u.name]));
    const ppl = await db.select().from(people).where(eq(people.active, true)).orderBy(asc(people.id));
    const grp = await db.select().from(groups).orderBy(asc(groups.id));
    return c.json({
      people: ppl.map((p) => ({ userId: p.userId, name: p.name, unit: p.unitId ? (unitName.get(p.unitId) ?? null) : null, roles: p.roles })),
      groups: grp.map((g) => ({ chatId: g.chatId, name: g.name, purpose: g.purpose, unit: g.unitId ? (unitName.get(g.unitId) ?? null) : null })),
    });
  });

  r.post("/messages", async (c) => {
    const deps = c.get("deps");
    const parsed = body.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) {
      return c.json({ error: "BAD_REQUEST", message: `请求格式不正确：${parsed.error.issues.map((i) => `${i.path.join(".") || "body"} ${i.message}`).join("；")}` }, 400);
    }
    const m = parsed.data;
    const uploads = [];
    for (const [i, img] of (m.images ?? []).entries()) {
      const bytes = decodeBase64(img);
      if (!bytes) return c.json({ error: "BAD_REQUEST", message: `第 ${i + 1} 张图片不是有效的 base64 数据` }, 400);
      uploads.push({ bytes, name: `image-${i + 1}` });
    }
    const [group] = await deps.db.select({ id: groups.id }).from(groups).where(eq(groups.chatId, m.chatId));
    const msgId = m.msgId ?? crypto.randomUUID();
    // As in WeCom: in a group the bot receives only messages that @ it (issue 11); the others are ordinary chat.
    if (group && !deps.config.botNames.some((n) => m.text.includes(`@${n.replace(/^@/, "")}`))) {
      deps.sim?.publish({ kind: "chat", chatId: m.chatId, at: deps.clock(), markdown: m.text, userId: m.userId });
      return c.json({ msgId, delivered: false, replies: [], views: [], note: `这条消息没有 @${deps.config.botNames[0] ?? "督办助手"}，机器人不会收到（与企业微信一致）。` });
    }
    const replies = await handleMessage(deps, { channel: "sim", msgId, chatId: m.chatId, chatType: group ? "group" : "single", senderId: m.userId, text: m.text, uploads });
    const rendered = replies.map(renderWecom); // what WeCom would show, as this answer has always carried it
    const views = replies.map((r) => simView(r)); // the page: markdown, and buttons as buttons
    for (const v of views) deps.sim?.publish({ kind: "reply", chatId: m.chatId, at: deps.clock(), markdown: v.markdown, mentions: v.mentions, buttons: v.buttons });
    return c.json({ msgId, replies: rendered, views });
  });

  r.get("/groups/:chatId/messages", async (c) => {
    const { db } = c.get("deps");
    const chatId = c.req.param("chatId");
    const [g] = await db.select({ platform: groups.platform }).from(groups).where(eq(groups.chatId, chatId));
    // Unprefixed: rows from before issue 15. A single chat "single:<userid>" also shows the pushes to that person.
    const user = chatId.startsWith("single:") ? chatId.slice("single:".length) : undefined;
    const targets = [...new Set([targetOf({ platform: g?.platform, chatId }), chatId, ...(user ? [targetOf({ chatId: user }), user] : [])])];
    const rows = await db.select().from(outbox).where(inArray(outbox.target, targets)).orderBy(asc(outbox.id)).limit(500);
    return c.json({
      messages: rows.map((o) => ({ id: o.id, at: o.createdAt, status: o.status, caseId: o.caseId, ...payloadView(o.payload) })),
    });
  });

  r.get("/stream", (c) => {
    const hub = c.get("deps").sim;
    if (!hub) return c.json({ error: "NOT_FOUND", message: "模拟群聊未开启" }, 404);
    return streamSSE(c, async (stream) => {
      const unsubscribe = hub.subscribe((e) => void stream.writeSSE({ event: e.kind, data: JSON.stringify(e) }));
      stream.onAbort(unsubscribe);
      while (!stream.aborted) await stream.sleep(25_000).then(() => stream.writeSSE({ event: "ping", data: "" }));
      unsubscribe();
    });
  });
  return r;
}

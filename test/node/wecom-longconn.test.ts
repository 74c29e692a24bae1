/** Long-connection mode (wecom.md §1.B) end to end against a fake WeCom WebSocket server on loopback. */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { count, eq } from "drizzle-orm";
import { tempDb } from "../helpers/db.js";
import { PNG, seedFixture, testClock, testDeps } from "../helpers/fixture.js";
import { FakeWecomWs } from "../helpers/fake-wecom-ws.js";
import { parseConfig } from "../../src/config.js";
import { createLogger } from "../../src/log.js";
import { attachments, cases, groups, outbox } from "../../src/db/schema.js";
import { commit, insertOutbox } from "../../src/db/write.js";
import { drainOutbox } from "../../src/delivery/relay.js";
import { longConnRoute } from "../../src/bot/wecom/longconn-route.js";
import { channels, sendRow } from "../../src/delivery/channels.js";
import { createWecomClient } from "../../src/bot/wecom/client.js";
import { wecomDeliver } from "../../src/bot/wecom/deliver.js";
import { handleMessage } from "../../src/bot/pipeline.js";
import { createLongConn, streamIdFor, type LongConn } from "../../src/bot/wecom/longconn.js";
import { startNode } from "../../src/runtime/node.js";
import type { Deps } from "../../src/deps.js";
import { renderWecom } from "../../src/bot/wecom/render.js";

const BOT_ID = "aib-duban-test";
const SECRET = "long-connection-secret-do-not-log";

let t: Awaited<ReturnType<typeof tempDb>>;
let deps: Deps;
let fake: FakeWecomWs;
let lc: LongConn;
const logLines: string[] = [];
const background: Promise<unknown>[] = [];

/** Drain everything the pipeline scheduled with waitUntil (the outbox relay). */
const settle = async () => void (await Promise.all(background.splice(0)));
const sent = (chatid: string) => fake.frames.filter((f) => f.cmd === "aibot_send_msg" && f.body?.chatid === chatid);
const text = (msgid: string, userid: string, chatid: string, content: string) => ({ msgid, chatid, chattype: "group", from: { userid }, msgtype: "text", text: { content } });

async function roundTrip(body: Record<string, unknown>) {
  const reqId = fake.push(body);
  const reply = await fake.waitFor(() => fake.replyTo(reqId)[0]);
  return { reqId, reply, content: String(reply.body?.stream?.content) };
}

beforeAll(async () => {
  t = await tempDb();
  await seedFixture(t.db);
  deps = await testDeps(t.db, t.dir, testClock());
  fake = await new FakeWecomWs(BOT_ID, SECRET).listen();
  deps.config = parseConfig({
    FILES_DIR: join(t.dir, "files"),
    WECOM_MODE: "longconn",
    WECOM_BOT_ID: BOT_ID,
    WECOM_BOT_SECRET: SECRET,
    WECOM_WS_URL: fake.wsUrl,
    WECOM_API_BASE: fake.httpBase,
    SESSION_SECRET: "x".repeat(32),
  });
  deps.log = createLogger("debug", (l) => logLines.push(l));
  deps.waitUntil = (p) => void background.push(p);
  lc = createLongConn(deps, { reconnectBaseMs: 20, heartbeatMs: 100, drainMs: 1_000 });
  const robots = wecomDeliver({ db: t.db, clock: deps.clock, log: deps.log, client: createWecomClient({ apiBase: fake.httpBase }) });
  deps.deliver = channels({ wecom: longConnRoute(t.db, lc.deliver, robots) });
  lc.start();
  await fake.waitFor(() => lc.status().state === "online");
});

afterAll(async () => {
  await lc?.stop();
  await settle();
  await fake?.close();
  await t?.cleanup();
});

describe("WeCom long connection", () => {
  it("subscribes with the BotID and Secret, then keeps a heartbeat the server acknowledges", async () => {
    const auth = fake.frames.find((f) => f.cmd === "aibot_subscribe");
    expect(auth?.body).toMatchObject({ bot_id: BOT_ID, secret: SECRET });
    expect(auth?.headers.req_id).toBeTruthy();
    await fake.waitFor(() => fake.frames.filter((f) => f.cmd === "ping").length >= 2);
    expect(lc.status()).toMatchObject({ state: "online", reconnects: 0 });
  });

  it("answers a group @-mention on the frame's req_id with the pipeline's reply as a finished stream", async () => {
    const { reply, content } = await roundTrip(text("m-mine", "disp", "g-command", "@督办助手 我的"));
    expect(reply.body).toMatchObject({ msgtype: "stream", stream: { id: streamIdFor("m-mine"), finish: true } });
    const direct = await handleMessage(deps, { channel: "sim", msgId: "direct-mine", chatId: "g-command", chatType: "group", senderId: "disp", text: "@督办助手 我的", uploads: [] });
    expect(content).toBe(direct.map(renderWecom).join("\n\n"));
    expect(content.length).toBeGreaterThan(0);
  });

  it("the same msgid twice has one effect and gets the same reply; the unit-group push leaves as aibot_send_msg", async () => {
    const body = text("m-assign", "disp", "g-command", "@督办助手 交办 金牛大道某烧烤店油烟扰民 给 荷花池街道 限 5个工作日");
    const first = await roundTrip(body);
    const second = await roundTrip(body);
    expect(second.reqId).not.toBe(first.reqId);
    expect(second.content).toBe(first.content);
    expect(second.reply.body?.stream?.id).toBe(first.reply.body?.stream?.id);
    const [{ n }] = await t.db.select({ n: count() }).from(cases);
    expect(n).toBe(1);
    await settle();
    const pushes = sent("g-hh");
    expect(pushes).toHaveLength(1);
    expect(pushes[0].body).toMatchObject({ msgtype: "template_card", template_card: { card_type: "button_interaction", main_title: { title: expect.stringContaining("烧烤店") } } }); // issue 11: a card over the socket
  });

  it("routes outbox rows: a person and a group without a robot key over the socket, a group with one to its webhook", async () => {
    await t.db.update(groups).set({ robotKey: "rk-sm" }).where(eq(groups.chatId, "g-sm"));
    fake.sendErrors.set("g-gone", 93006);
    const at = deps.clock();
    await commit(t.db, [
      insertOutbox(t.db, { key: "p-user", channel: "user", target: "hh.head", payload: { markdown: "**催办**：请今日签收" }, at }),
      insertOutbox(t.db, { key: "p-acct", channel: "group", target: "g-acct", payload: { markdown: "问责提醒" }, at }),
      insertOutbox(t.db, { key: "p-sm", channel: "group", target: "g-sm", payload: { markdown: "机器人推送", mentions: ["sm.head"] }, at }),
      insertOutbox(t.db, { key: "p-gone", channel: "group", target: "g-gone", payload: { markdown: "无人可达" }, at }),
    ]);
    await drainOutbox(deps);
    expect(sent("hh.head").map((f) => f.body?.markdown?.content)).toEqual(["**催办**：请今日签收"]);
    expect(sent("g-acct").map((f) => f.body?.markdown?.content)).toEqual(["问责提醒"]);
    expect(fake.webhooks).toEqual([{ key: "rk-sm", body: { msgtype: "markdown", markdown: { content: "机器人推送\n<@sm.head>" } } }]);
    expect(sent("g-sm")).toHaveLength(0);
    const [gone] = await t.db.select().from(outbox).where(eq(outbox.idempotencyKey, "p-gone"));
    expect(gone).toMatchObject({ status: "failed", lastError: expect.stringContaining("93006") });
  });

  it("downloads an image, decrypts it with its own aeskey and keeps it as evidence", async () => {
    const image = fake.serveMedia(PNG);
    const { content } = await roundTrip({ msgid: "m-img", chattype: "single", from: { userid: "hh.officer" }, msgtype: "image", image });
    expect(content).toContain("已收到 1 个附件");
    const sha = createHash("sha256").update(PNG).digest("hex");
    const [row] = await t.db.select().from(attachments).where(eq(attachments.sha256, sha));
    expect(row).toMatchObject({ chatId: "single:hh.officer", uploaderUserId: "hh.officer", mime: "image/png", fileName: "现场.png" });

    const { url } = fake.serveMedia(PNG);
    const missingKey = await roundTrip({ msgid: "m-img-nokey", chattype: "single", from: { userid: "hh.officer" }, msgtype: "image", image: { url } });
    expect(missingKey.content).toContain("请重新发送");
    const [{ n }] = await t.db.select({ n: count() }).from(attachments);
    expect(n).toBe(1);
  });

  it("answers a card click with aibot_respond_update_msg on its req_id, reading the nested event payload", async () => {
    const reqId = fake.push(
      { msgid: "ev-card-1", msgtype: "event", chattype: "group", chatid: "g-hh", from: { userid: "hh.head" }, create_time: 1_796_086_900, event: { eventtype: "template_card_event", template_card_event: { card_type: "button_interaction", event_key: "ack:1", task_id: "task-1" } } },
      "aibot_event_callback",
    );
    const update = await fake.waitFor(() => fake.replyTo(reqId, "aibot_respond_update_msg")[0]);
    expect(update.body).toMatchObject({ response_type: "update_template_card", template_card: { task_id: "task-1", main_title: { title: expect.stringContaining("签收") } } });
    expect((await t.db.select().from(cases).where(eq(cases.id, 1)))[0].state).toBe("in_progress");
  });

  it("takes a mixed message's text and its images, each decrypted with its own key", async () => {
    const png2 = new Uint8Array(readFileSync(new URL("../fixtures/images/site.png", import.meta.url))); // a second, distinct photo
    const items = [{ msgtype: "text", text: { content: "@督办助手 进展 #1 已约谈店主" } }, { msgtype: "image", image: fake.serveMedia(png2) }];
    await roundTrip({ msgid: "m-mixed", chatid: "g-hh", chattype: "group", from: { userid: "hh.head" }, msgtype: "mixed", mixed: { msg_item: items } });
    const sha = createHash("sha256").update(png2).digest("hex");
    expect((await t.db.select().from(attachments).where(eq(attachments.sha256, sha)))[0]).toMatchObject({ caseId: 1, chatId: "g-hh" });
  });

  it("welcomes a user who opens the single chat, on the event's req_id", async () => {
    const reqId = fake.push({ msgid: "ev-enter", msgtype: "event", chattype: "single", from: { userid: "disp" }, event: { eventtype: "enter_chat" } }, "aibot_event_callback");
    const welcome = await fake.waitFor(() => fake.replyTo(reqId, "aibot_respond_welcome_msg")[0]);
    expect(welcome.body).toMatchObject({ msgtype: "text", text: { content: expect.stringContaining("督办助手") } });
  });

  it("reconnects with back-off after the server drops the connection, and works again", async () => {
    const before = fake.connections;
    fake.drop();
    await fake.waitFor(() => fake.connections > before && fake.subscribed && lc.status().state === "online");
    expect(lc.status().reconnects).toBeGreaterThan(0);
    expect(fake.frames.filter((f) => f.cmd === "aibot_subscribe")).toHaveLength(2);
    const { content } = await roundTrip(text("m-after", "disp", "g-command", "@督办助手 帮助"));
    expect(content.length).toBeGreaterThan(0);
  });

  it("stops for good when a second instance with the same BotID takes over, and never logs the secret", async () => {
    const connections = fake.connections;
    fake.kick();
    await fake.waitFor(() => lc.status().state === "kicked");
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.connections).toBe(connections);
    expect(await lc.deliver({ id: 0, channel: "user", target: "disp", payload: { markdown: "x" } })).toMatchObject({ ok: false, retryable: true });
    const log = logLines.join("\n");
    expect(log).toContain("wecom long connection: kicked");
    expect(log).not.toContain(SECRET);
  });
});

describe("startNode with WECOM_MODE=longconn", () => {
  it("subscribes once the server listens, pushes through the socket, and close() stops the connection", async () => {
    const other = await new FakeWecomWs("aib-node", SECRET).listen();
    const lines: string[] = [];
    const node = await startNode(
      { PORT: "0", DATABASE_URL: `file:${join(t.dir, "node.db")}`, FILES_DIR: join(t.dir, "node-files"), WECOM_MODE: "longconn", WECOM_BOT_ID: "aib-node", WECOM_BOT_SECRET: SECRET, WECOM_WS_URL: other.wsUrl, SESSION_SECRET: "y".repeat(32) },
      { log: createLogger("info", (l) => lines.push(l)) },
    );
    try {
      expect((await fetch(`${node.url}/healthz`)).status).toBe(200);
      await other.waitFor(() => node.longConn?.status().state === "online");
      expect(await sendRow(node.deps.deliver, { id: 1, channel: "user", target: "wecom:disp", payload: { markdown: "你好" } })).toEqual({ ok: true });
      expect(other.frames.find((f) => f.cmd === "aibot_send_msg")?.body).toMatchObject({ chatid: "disp", markdown: { content: "你好" } });
    } finally {
      await node.close();
      await other.close();
    }
    expect(node.longConn?.status().state).toBe("stopped");
    expect(lines.join("\n")).not.toContain(SECRET);
  });
});

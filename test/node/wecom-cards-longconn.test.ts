/**
 * One-tap cards over the long connection (issue 11 item 3; wecom.md §1.B.3, §1.B.4, §4.4) against the fake WeCom
 * WebSocket server on loopback: pushes with buttons leave as template_card `aibot_send_msg`, a click is answered
 * with `aibot_respond_update_msg` on the event's req_id after running the command as the clicker.
 */
import { join } from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDb } from "../helpers/db.js";
import { seedFixture, testClock, testDeps } from "../helpers/fixture.js";
import { FakeWecomWs, type Frame } from "../helpers/fake-wecom-ws.js";
import { parseConfig } from "../../src/config.js";
import { createLogger } from "../../src/log.js";
import { cases } from "../../src/db/schema.js";
import { commit, insertOutbox } from "../../src/db/write.js";
import { drainOutbox } from "../../src/delivery/relay.js";
import { channels } from "../../src/delivery/channels.js";
import { longConnRoute } from "../../src/bot/wecom/longconn-route.js";
import { createWecomClient } from "../../src/bot/wecom/client.js";
import { wecomDeliver } from "../../src/bot/wecom/deliver.js";
import { handleMessage } from "../../src/bot/pipeline.js";
import { createLongConn, type LongConn } from "../../src/bot/wecom/longconn.js";
import { buttons, line, msg, title } from "../../src/domain/message.js";
import type { Deps } from "../../src/deps.js";

const BOT_ID = "aib-cards-test";
const SECRET = "long-connection-secret-cards";

let t: Awaited<ReturnType<typeof tempDb>>;
let deps: Deps;
let fake: FakeWecomWs;
let lc: LongConn;
const clock = testClock();
const background: Promise<unknown>[] = [];
const settle = async () => void (await Promise.all(background.splice(0)));
const sent = (chatid: string) => fake.frames.filter((f) => f.cmd === "aibot_send_msg" && f.body?.chatid === chatid);

beforeAll(async () => {
  t = await tempDb();
  await seedFixture(t.db);
  deps = await testDeps(t.db, t.dir, clock);
  fake = await new FakeWecomWs(BOT_ID, SECRET).listen();
  deps.config = parseConfig({
    FILES_DIR: join(t.dir, "files"), WECOM_MODE: "longconn", WECOM_BOT_ID: BOT_ID, WECOM_BOT_SECRET: SECRET,
    WECOM_WS_URL: fake.wsUrl, WECOM_API_BASE: fake.httpBase, SESSION_SECRET: "x".repeat(32),
  });
  deps.log = createLogger("error");
  deps.waitUntil = (p) => void background.push(p);
  lc = createLongConn(deps, { reconnectBaseMs: 20, heartbeatMs: 1_000, drainMs: 1_000 });
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

/** Tap a button: the event frame WeCom pushes (§1.B.2, §4.3); returns the update we answered on its req_id. */
async function tap(userid: string, chatid: string, key: string, taskId: string, createTime: number): Promise<{ frame: Frame; body: Record<string, any> }> {
  const reqId = fake.push(
    { chatid, chattype: "group", from: { userid }, create_time: createTime, msgtype: "event", event: { eventtype: "template_card_event", template_card_event: { card_type: "button_interaction", event_key: key, task_id: taskId } } },
    "aibot_event_callback",
  );
  const frame = await fake.waitFor(() => fake.replyTo(reqId, "aibot_respond_update_msg")[0]);
  return { frame, body: frame.body! };
}
const acks = async (id: number) => (await t.db.all<{ n: number }>(sql`select count(*) as n from case_events where case_id = ${id} and kind = 'acknowledged'`))[0].n;

describe("template cards over the long connection", () => {
  it("pushes 新交办 as a card; a click runs 签收 as the clicker and updates the card with aibot_respond_update_msg", async () => {
    const replies = await handleMessage(deps, { channel: "sim", msgId: "lc-assign", chatId: "g-command", chatType: "group", senderId: "disp", text: "@督办助手 交办 金牛大道某烧烤店油烟扰民 给 荷花池街道 限 12月25日", uploads: [] });
    const id = Number(/#(\d+)/.exec(JSON.stringify(replies))![1]);
    await settle();
    const [push] = sent("g-hh");
    expect(push.body).toMatchObject({ msgtype: "template_card", template_card: { card_type: "button_interaction", button_list: [{ text: "签收", key: `签收 #${id}` }] } });
    const taskId = String(push.body!.template_card.task_id);
    expect(taskId).toMatch(/^[0-9A-Za-z_@-]{1,128}$/);
    // The people the text would @ are named on the card (a card cannot @).
    expect(push.body!.template_card.horizontal_content_list).toContainEqual({ keyname: "提醒", value: "王芳", type: 3, userid: "hh.head" });

    const refused = await tap("sm.head", "g-hh", `签收 #${id}`, taskId, 1_796_100_001);
    expect(refused.body).toMatchObject({ response_type: "update_template_card", userids: ["sm.head"], template_card: { task_id: taskId } });
    // Their own card keeps its buttons (rebuilt from the pushed row) with the bot's answer on top.
    expect(refused.body.template_card).toMatchObject({ card_type: "button_interaction", main_title: { title: expect.stringContaining("新交办"), desc: expect.stringContaining(`#${id}`) }, button_list: [{ key: `签收 #${id}` }] });
    expect((await t.db.select().from(cases).where(eq(cases.id, id)))[0].state).toBe("pending_ack");
    // The same task_id presented from another chat never shows that row's content: a plain notice only.
    const elsewhere = await tap("sm.head", "g-sm", `签收 #${id}`, taskId, 1_796_100_003);
    expect(elsewhere.body).toMatchObject({ userids: ["sm.head"], template_card: { card_type: "text_notice" } });
    expect(JSON.stringify(elsewhere.body)).not.toContain("烧烤店");

    const done = await tap("hh.head", "g-hh", `签收 #${id}`, taskId, 1_796_100_002);
    expect(done.body.userids).toBeUndefined();
    expect(done.body.template_card).toMatchObject({ card_type: "text_notice", task_id: taskId, main_title: { title: expect.stringMatching(/^已签收 · 王芳 \d\d-\d\d \d\d:\d\d$/) } });
    expect(done.body.template_card.horizontal_content_list).toEqual([{ keyname: "牵头", value: "荷花池街道" }, expect.objectContaining({ keyname: "签收时限" }), expect.objectContaining({ keyname: "办结时限" })]);
    expect((await t.db.select().from(cases).where(eq(cases.id, id)))[0].state).toBe("in_progress");

    const again = await tap("hh.head", "g-hh", `签收 #${id}`, taskId, 1_796_100_002); // redelivered event: same user, same create_time
    expect(again.body).toEqual(done.body);
    expect(await acks(id)).toBe(1);
  });

  it("a pushed message too long for the card goes as markdown first, then the card with its buttons", async () => {
    const long = msg(title("办结待审 #1 金牛大道某烧烤店油烟扰民"), line(`核查：${"经现场核实该店未安装油烟净化设施，".repeat(8)}`), buttons({ label: "通过", command: "通过 #1", style: "primary" }, { label: "驳回", command: "驳回 #1", style: "danger" }));
    await commit(t.db, [insertOutbox(t.db, { key: "lc-long", channel: "group", target: "wecom:g-acct", payload: { message: long }, at: clock() })]);
    await drainOutbox(deps);
    const frames = sent("g-acct");
    expect(frames.map((f) => f.body?.msgtype)).toEqual(["markdown", "template_card"]);
    expect(frames[0].body!.markdown.content).toContain("未安装油烟净化设施，经现场核实");
    expect(frames[0].body!.markdown.content).not.toContain("可回复"); // the buttons are on the card
    expect(frames[1].body!.template_card.button_list.map((b: { key: string }) => b.key)).toEqual(["通过 #1", "驳回 #1"]);
  });

  it("when WeCom refuses the card, the push goes as markdown with the typed-command quote instead of retrying the card", async () => {
    fake.cardError = 40008;
    try {
      const m = msg(title("新交办 #9 某工地扬尘"), line("牵头：城管局"), buttons({ label: "签收", command: "签收 #9", style: "primary" }));
      await commit(t.db, [insertOutbox(t.db, { key: "lc-refused", channel: "group", target: "wecom:g-cg", payload: { message: m }, at: clock() })]);
      await drainOutbox(deps);
      expect(sent("g-cg").map((f) => f.body?.msgtype)).toEqual(["template_card", "markdown"]);
      expect(sent("g-cg")[1].body!.markdown.content).toBe("**新交办 #9 某工地扬尘**\n牵头：城管局\n> 可回复：签收 #9");
      expect((await t.db.all<{ status: string }>(sql`select status from outbox where idempotency_key = 'lc-refused'`))[0].status).toBe("sent");
    } finally {
      fake.cardError = 0;
    }
  });

  it("a group with a robot key keeps the webhook and its typed-command quote (the webhook cannot send button cards)", async () => {
    await t.db.run(sql`update groups set robot_key = 'rk-sm' where chat_id = 'g-sm'`);
    const m = msg(title("新交办 #9 测试"), buttons({ label: "签收", command: "签收 #9", style: "primary" }));
    await commit(t.db, [insertOutbox(t.db, { key: "lc-hook", channel: "group", target: "wecom:g-sm", payload: { message: m }, at: clock() })]);
    await drainOutbox(deps);
    expect(fake.webhooks.at(-1)?.body).toEqual({ msgtype: "markdown", markdown: { content: "**新交办 #9 测试**\n> 可回复：签收 #9" } });
    expect(sent("g-sm")).toHaveLength(0);
  });
});

/**
 * One lifecycle table, run once per channel in the same server and database (issue 15): 交办 in a command group →
 * 签收 → 进展 with a photo → 办结 with the 四不放过 lines → 通过, through (a) signed, encrypted WeCom callbacks and
 * (b) signed DingTalk HTTP callbacks. WeCom answers in the HTTP reply; DingTalk answers through the message's
 * sessionWebhook on the loopback fake. Then a scheduled reminder reaches the DingTalk group's custom robot with a
 * 加签 the fake verifies. Groups and people are registered with the real CLI verbs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServerType } from "@hono/node-server";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type NodeHandle } from "../../src/runtime/node.js";
import { setRobotKey } from "../../src/db/robot-keys.js";
import { groups, type CaseState } from "../../src/db/schema.js";
import { drainOutbox } from "../../src/delivery/relay.js";
import { runScheduled } from "../../src/schedules/run.js";
import { groupVerb } from "../../src/cli-group.js";
import { personVerb } from "../../src/cli-person.js";
import { seedFixture, testClock } from "../helpers/fixture.js";
import { distinctPhoto } from "../helpers/distinct-photo.js";
import { createFakeWecom, openReply, sealCallback } from "../helpers/fake-wecom-api.js";
import { APP_KEY, APP_SECRET, FakeDingtalk, refSign, robotMessage, ROBOT_CODE, signedHeaders, textMessage } from "../helpers/fake-dingtalk.js";
import { callbackEnv, serveLoopback } from "../helpers/net.js";

const CLOSE_ALL = "核查：属实，经现场核实该店未安装油烟净化设施\n整改：已安装油烟净化器并投入使用\n分类：限期整改\n责任：约谈店主张某，责令整改\n回访：满意";

// ------------------------------------------------------------------------------------------------------------------
// The table: who says what where, what the bot answers, and the case's state afterwards.

type Where = "command" | "unit";
type Step = { who: "dispatcher" | "officer" | "leader"; where: Where; say: (id: number) => string; photo?: true; reply: (id: number) => string; state: CaseState };
const STEPS: Step[] = [
  { who: "dispatcher", where: "command", say: () => "交办 {title} 给 {unit} 限 12月25日", reply: () => "已交办", state: "pending_ack" },
  { who: "officer", where: "unit", say: (id) => `签收 #${id}`, reply: () => "已签收", state: "in_progress" },
  { who: "officer", where: "unit", say: (id) => `进展 #${id} 整改后 已安装净化器`, photo: true, reply: (id) => `#${id}`, state: "in_progress" },
  { who: "officer", where: "unit", say: (id) => `办结 #${id}\n${CLOSE_ALL}`, reply: () => "已提交", state: "pending_review" },
  { who: "leader", where: "command", say: (id) => `通过 #${id}`, reply: () => "审核通过", state: "closed" },
];
const EVENTS = ["created", "acknowledged", "progress", "closure_submitted", "closure_approved"];

/** A channel as the table sees it: its people and groups, and how one message travels (the bot's answer back). */
type Channel = {
  name: string;
  unit: string;
  users: Record<Step["who"], string>;
  groups: Record<Where, string>;
  send: (userId: string, chatId: string, text: string, photo?: Uint8Array) => Promise<string>;
};

// ------------------------------------------------------------------------------------------------------------------

const dir = mkdtempSync(join(tmpdir(), "duban-channels-"));
const clock = testClock();
const wecom = createFakeWecom();
const dt = new FakeDingtalk();
const servers: ServerType[] = [];
let wecomUrl = "";
let h: NodeHandle;
const CID = { command: "cidCommandQ7bW1+tX/3Z==", sm: "cidSimaqiaoR5a+Kx/Yw==" };
const WEBHOOK_TOKEN = "dt-robot-token-simaqiao-0001";
const ROBOT_SECRET = "SEC5f3c1e0a9b8d7c6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1";

beforeAll(async () => {
  const w = await serveLoopback(wecom.handle);
  servers.push(w.server);
  wecomUrl = w.url;
  await dt.start();
  dt.now = clock; // the 加签 window is checked against the app's (test) clock
  const env = {
    ...callbackEnv(dir, wecomUrl),
    DINGTALK_MODE: "http", DINGTALK_APP_KEY: APP_KEY, DINGTALK_APP_SECRET: APP_SECRET, DINGTALK_ROBOT_CODE: ROBOT_CODE, DINGTALK_API_BASE: dt.url,
  };
  h = await startNode(env, { clock, schedules: false });
  const db = h.deps.db;
  await seedFixture(db);
  await setRobotKey(db, "g-command", "robot-key-command-0001");
  await setRobotKey(db, "g-hh", "robot-key-hh-0002");
  // 驷马桥街道 works in DingTalk: its WeCom group goes, a DingTalk group with a custom robot (加签) comes.
  await db.delete(groups).where(eq(groups.chatId, "g-sm"));
  const out: string[] = [];
  const ok = (code: number) => expect(code, out.join("\n")).toBe(0);
  ok(await groupVerb(db, ["add", "--platform", "dingtalk", "--chat", CID.command, "--name", "钉钉指挥群", "--purpose", "command"], (l) => out.push(l), clock()));
  const webhook = `https://oapi.dingtalk.com/robot/send?access_token=${WEBHOOK_TOKEN}`;
  ok(await groupVerb(db, ["add", "--platform", "dingtalk", "--chat", CID.sm, "--name", "驷马桥街道钉钉群", "--unit", "驷马桥", "--webhook", webhook, "--secret", ROBOT_SECRET], (l) => out.push(l), clock()));
  dt.robots.set(WEBHOOK_TOKEN, ROBOT_SECRET);
  for (const [user, staff] of [["disp", "dt-disp"], ["lead", "dt-lead"], ["sm.officer", "dt-qianqi"], ["sm.head", "dt-sunqiang"]]) {
    ok(await personVerb(db, ["set", "--user", user, "--dingtalk", staff], (l) => out.push(l), clock()));
  }
});
afterAll(async () => {
  await h?.close();
  await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  await dt.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function until<T>(fn: () => T | undefined | Promise<T | undefined>, what: string, ms = 8_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// ------------------------------------------------------------------------------------------------------------------
// (a) WeCom: sealed callbacks; the answer is the encrypted finished stream, or the response_url post when late.

let seq = 0;
async function wecomSend(userid: string, chatId: string, text: string, photo?: Uint8Array): Promise<string> {
  const n = ++seq;
  const content = { msgtype: "text", text: { content: `@督办助手 ${text}` } };
  if (photo) wecom.media.set(`p${n}.png`, photo);
  const body = photo ? { msgtype: "mixed", mixed: { msg_item: [content, { msgtype: "image", image: { url: `${wecomUrl}/media/p${n}.png` } }] } } : content;
  const p = { msgid: `CAIQ-ch-${n}`, aibotid: "BOT", chatid: chatId, chattype: "group", from: { userid }, response_url: `${wecomUrl}/cgi-bin/aibot/response?response_code=ch-${n}`, ...body };
  const sealed = sealCallback(p, { timestamp: Math.floor(clock() / 1000) });
  const res = await fetch(`${h.url}/wecom/callback?${sealed.query}`, { method: "POST", body: sealed.body, headers: { "content-type": "application/json" } });
  expect(res.status).toBe(200);
  const reply = openReply(await res.text(), sealed.nonce).json as { stream?: { content: string } };
  if (reply.stream) return reply.stream.content;
  const late = await until(() => wecom.calls.find((c) => c.kind === "response_url" && c.code === `ch-${n}`), "the late WeCom reply");
  return (late as { body: { markdown: { content: string } } }).body.markdown.content;
}

// (b) DingTalk: the tests' own client signs the timestamp with the AppSecret (node:crypto, dingtalk.md §1); the
// answer is the post to the sessionWebhook the message named. That URL is on DingTalk's public host, which
// DINGTALK_API_BASE re-points to the fake.

const PUBLIC = "https://oapi.dingtalk.com";
let photoSeq = 0;
function dtMessage(staffId: string, conversationId: string, text: string, photoCode?: string) {
  const body = photoCode
    ? { msgtype: "richText", content: { richText: [{ text }, { type: "picture", downloadCode: photoCode, pictureDownloadCode: photoCode }] } }
    : { msgtype: "text", text: { content: ` ${text}` } };
  return robotMessage(PUBLIC, staffId, conversationId, body, clock());
}
const sessionOf = (m: { sessionWebhook?: string }) => new URL(m.sessionWebhook!).searchParams.get("session");
const dtPost = (body: unknown, headers: Record<string, string>) => fetch(`${h.url}/dingtalk/callback`, { method: "POST", body: JSON.stringify(body), headers });

async function dingtalkSend(staffId: string, chatId: string, text: string, photo?: Uint8Array): Promise<string> {
  const code = photo ? `dc-${++photoSeq}` : undefined;
  if (code) dt.files.set(code, photo!);
  const m = dtMessage(staffId, chatId, text, code);
  const res = await dtPost(m, signedHeaders(clock()));
  expect(res.status).toBe(200);
  const post = await until(() => dt.sent.find((c) => c.kind === "session" && c.session === sessionOf(m)), "the sessionWebhook reply");
  return (post as { body: { markdown: { text: string } } }).body.markdown.text;
}
const webhookText = (c: { body: { markdown?: { text: string }; text?: { content: string } } }) => c.body.markdown?.text ?? c.body.text?.content ?? "";

const channelsUnderTest: Channel[] = [
  {
    name: "WeCom",
    unit: "荷花池街道",
    users: { dispatcher: "disp", officer: "hh.officer", leader: "lead" },
    groups: { command: "g-command", unit: "g-hh" },
    send: wecomSend,
  },
  {
    name: "DingTalk",
    unit: "驷马桥街道",
    users: { dispatcher: "dt-disp", officer: "dt-qianqi", leader: "dt-lead" },
    groups: { command: CID.command, unit: CID.sm },
    send: dingtalkSend,
  },
];

const q1 = async <T>(query: ReturnType<typeof sql>) => (await h.deps.db.all<T>(query))[0];

describe("the lifecycle, once per channel from one table, against one database", () => {
  it.each(channelsUnderTest.map((c, i) => [c.name, c, i] as const))("%s: 交办 → 签收 → 进展 with a photo → 办结 → 通过", async (_name, ch, i) => {
    let id = 0;
    for (const [n, step] of STEPS.entries()) {
      const text = step.say(id).replace("{title}", `金牛大道某烧烤店油烟扰民${i}`).replace("{unit}", ch.unit);
      const reply = await ch.send(ch.users[step.who], ch.groups[step.where], text, step.photo ? distinctPhoto(10 + i) : undefined);
      if (n === 0) id = Number(/#(\d+)/.exec(reply)?.[1]);
      expect(reply, `${ch.name} step ${n + 1}: ${text}`).toContain(step.reply(id));
      expect(await q1(sql`select state from cases where id = ${id}`), `${ch.name} step ${n + 1}`).toEqual({ state: step.state });
    }
    const events = await h.deps.db.all<{ kind: string }>(sql`select kind from case_events where case_id = ${id} order by id`);
    expect(events.map((e) => e.kind)).toEqual(EVENTS);
    expect(await q1(sql`select phase from attachments where case_id = ${id}`)).toEqual({ phase: "after" });
  });

  it("sent each group's pushes through its own platform: WeCom robots for WeCom groups, the signed custom robot for the DingTalk unit group", async () => {
    await drainOutbox(h.deps);
    const robotPosts = dt.sent.filter((c) => c.kind === "webhook");
    expect(robotPosts.length).toBeGreaterThan(0);
    expect(robotPosts.every((c) => c.signed === "ok" && c.token === WEBHOOK_TOKEN)).toBe(true);
    // The DingTalk case's 交办 push reached its unit group's robot; nothing crossed platforms.
    expect(robotPosts.some((c) => webhookText(c).includes("金牛大道某烧烤店油烟扰民1"))).toBe(true);
    // No push of the WeCom case went to DingTalk (a 交办 reply may still name it as a suspected repeat, issue 13).
    expect(JSON.stringify(dt.sent.filter((c) => c.kind !== "session"))).not.toContain("金牛大道某烧烤店油烟扰民0");
    expect(await q1(sql`select count(*) as n from outbox where status = 'failed'`)).toEqual({ n: 0 });
  });
});

describe("DingTalk callbacks: signature and freshness", () => {
  it("refuses a bad signature and a stale timestamp, and creates nothing", async () => {
    const before = await q1<{ n: number }>(sql`select count(*) as n from cases`);
    const m = dtMessage("dt-disp", CID.command, "交办 某工地扬尘 给 驷马桥街道");
    const ts = String(clock());
    const json = { "content-type": "application/json" };
    expect((await dtPost(m, { ...json, timestamp: ts, sign: refSign(ts, "not-the-app-secret") })).status).toBe(401);
    expect((await dtPost(m, signedHeaders(clock() - 3_600_001))).status).toBe(401);
    expect((await dtPost(m, { ...json, timestamp: ts })).status).toBe(401);
    expect(await q1(sql`select count(*) as n from cases`)).toEqual(before);
    // The same message correctly signed is then accepted: the refusals were about the signature, not the body.
    expect((await dtPost(m, signedHeaders(clock()))).status).toBe(200);
    await until(() => dt.sent.find((c) => c.kind === "session" && c.session === sessionOf(m)), "the reply");
    expect(await q1<{ n: number }>(sql`select count(*) as n from cases`)).toEqual({ n: before!.n + 1 });
  });
});

describe("a scheduled reminder on DingTalk", () => {
  it("reaches the DingTalk unit group's custom robot webhook with a valid 加签", async () => {
    const reply = await dingtalkSend("dt-disp", CID.command, "交办 驷马桥某餐馆油烟直排 给 驷马桥街道");
    const id = Number(/#(\d+)/.exec(reply)![1]);
    // The 交办 push is signed with the current time: let it arrive before the clock moves on two days.
    await until(() => dt.sent.find((c) => c.kind === "webhook" && webhookText(c).includes(`#${id}`)), "the 交办 push");
    await until(async () => ((await q1<{ n: number }>(sql`select count(*) as n from outbox where status in ('pending', 'sending')`))!.n === 0 ? true : undefined), "an idle outbox");
    const seen = dt.sent.length;
    // Not signed for: the next morning's run after the 1-working-day limit reminds the unit group.
    clock.set(Date.parse("2026-12-03T00:30:00Z"));
    await runScheduled(h.deps, clock());
    await drainOutbox(h.deps);
    const posts = dt.sent.slice(seen).filter((c) => c.kind === "webhook");
    // The unit group's morning message carries the 待签收超时 line for the case, @-ing its people by staff id.
    const reminders = posts.filter((c) => webhookText(c).includes(`#${id}`) && webhookText(c).includes("签收"));
    expect(reminders.length, JSON.stringify(posts.map(webhookText))).toBeGreaterThan(0);
    // The fake accepts a post only with the URL-encoded HMAC of timestamp + "\n" + secret, within the hour.
    for (const r of posts) expect(r).toMatchObject({ kind: "webhook", token: WEBHOOK_TOKEN, signed: "ok" });
    // The DingTalk command group has no custom robot: its morning message goes through the app robot's group send.
    const viaApp = dt.sent.slice(seen).filter((c) => c.kind === "group");
    expect(viaApp.map((c) => (c as { body: { openConversationId: string; robotCode: string } }).body)).toEqual([expect.objectContaining({ openConversationId: CID.command, robotCode: ROBOT_CODE })]);
  });
});

describe("DINGTALK_MODE=stream under npm start (an intranet host: no public URL)", () => {
  it("opens the Stream connection at start, runs a pushed message, ACKs it and replies through the sessionWebhook; stops on close", async () => {
    const sdir = mkdtempSync(join(tmpdir(), "duban-stream-"));
    const gw = await new FakeDingtalk().start();
    const env = {
      PORT: "0", HOST: "127.0.0.1", DATABASE_URL: `file:${join(sdir, "duban.db")}`, FILES_DIR: join(sdir, "files"), LOG_LEVEL: "error",
      SESSION_SECRET: "s".repeat(40), SIMULATOR: "false", DEMO_SEED: "false",
      DINGTALK_MODE: "stream", DINGTALK_APP_KEY: APP_KEY, DINGTALK_APP_SECRET: APP_SECRET, DINGTALK_ROBOT_CODE: ROBOT_CODE, DINGTALK_API_BASE: gw.url,
    };
    const s = await startNode(env, { schedules: false });
    try {
      await seedFixture(s.deps.db);
      await s.deps.db.update(groups).set({ platform: "dingtalk" }).where(eq(groups.chatId, "g-command"));
      const out: string[] = [];
      expect(await personVerb(s.deps.db, ["set", "--user", "disp", "--dingtalk", "dt-disp"], (l) => out.push(l), Date.now()), out.join()).toBe(0);
      await until(() => gw.sockets[0], "the Stream connection");
      expect(gw.opens[0]).toMatchObject({ clientId: APP_KEY, clientSecret: APP_SECRET });
      // No HTTP receiver in this mode: the callback route is not mounted.
      expect((await fetch(`${s.url}/dingtalk/callback`, { method: "POST", body: "{}", headers: signedHeaders(Date.now()) })).status).toBe(404);
      const m = textMessage(gw.url, "dt-disp", "g-command", "交办 城北某汽修厂喷漆废气 给 荷花池街道", Date.now());
      const frame = gw.pushMessage(m);
      await until(() => gw.acks.find((a) => a.headers?.messageId === frame), "the ACK");
      const reply = (await until(() => gw.sent.find((c) => c.kind === "session" && c.session === sessionOf(m)), "the reply")) as { body: unknown };
      expect(JSON.stringify(reply.body)).toContain("已交办");
      expect(await s.deps.db.all(sql`select state from cases where title like '%喷漆废气%'`)).toEqual([{ state: "pending_ack" }]);
    } finally {
      await s.close();
      await until(() => (gw.sockets.every((w) => w.readyState === w.CLOSED) ? true : undefined), "the socket closed by stop()");
      await gw.stop();
      rmSync(sdir, { recursive: true, force: true });
    }
  });
});

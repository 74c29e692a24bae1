/**
 * DingTalk HTTP receive end to end on loopback (dingtalk.md §1, §3, §4): our independent client signs pushes with
 * node:crypto, POST /dingtalk/callback runs the pipeline on a real libSQL file, and the fake DingTalk records the
 * sessionWebhook replies, app-robot group sends and picture downloads.
 */
import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UNREGISTERED_REPLY } from "../../src/bot/pipeline.js";
import { settleBackground } from "../helpers/background.js";
import { cid, dingtalkApp, staff, until } from "../helpers/dingtalk-app.js";
import { robotMessage, signedHeaders, textMessage, type RobotMsg, type Sent } from "../helpers/fake-dingtalk.js";
import { distinctPhoto } from "../helpers/distinct-photo.js";
import { PNG } from "../helpers/fixture.js";

let t: Awaited<ReturnType<typeof dingtalkApp>>;
beforeAll(async () => {
  t = await dingtalkApp();
});
afterAll(async () => t?.close());

const post = (msg: unknown, opts: { ts?: number; headers?: Record<string, string> } = {}) =>
  fetch(`${t.url}/dingtalk/callback`, { method: "POST", headers: opts.headers ?? signedHeaders(opts.ts ?? t.clock()), body: JSON.stringify(msg) });
const text = (userId: string, chat: string, content: string) => textMessage(t.fake.url, staff(userId), chat.startsWith("single") ? chat : cid(chat), content, t.clock());
const sessionOf = (m: RobotMsg) => new URL(m.sessionWebhook!).searchParams.get("session");
const sessionReplies = (m: RobotMsg) => t.fake.sent.filter((s): s is Extract<Sent, { kind: "session" }> => s.kind === "session" && s.session === sessionOf(m));
const groupSends = (chat: string) => t.fake.sent.filter((s): s is Extract<Sent, { kind: "group" }> => s.kind === "group" && s.body.openConversationId === cid(chat));
const q1 = async <T>(q: ReturnType<typeof sql>) => (await t.db.all<T>(q))[0];

/** Post a signed message and wait for its reply through the sessionWebhook; returns the reply's markdown text. */
async function say(m: RobotMsg): Promise<string> {
  const res = await post(m);
  expect(res.status).toBe(200);
  const [r] = await until(() => sessionReplies(m).length > 0 && sessionReplies(m), `the reply to ${m.msgId}`);
  return r.body.markdown.text as string;
}

describe("signature and timestamp (§1)", () => {
  it("refuses a bad sign with 401 and a log line naming DINGTALK_APP_SECRET; nothing is processed", async () => {
    const m = text("disp", "g-command", "帮助");
    const res = await post(m, { headers: signedHeaders(t.clock(), "another secret") });
    expect(res.status).toBe(401);
    expect(t.logs.some((l) => l.includes("signature mismatch") && l.includes("DINGTALK_APP_SECRET"))).toBe(true);
    expect(await q1(sql`select count(*) as n from inbox where key = ${`dingtalk:${m.msgId}`}`)).toEqual({ n: 0 });
  });

  it("refuses a correctly signed but stale timestamp (an hour and a second old), and missing headers", async () => {
    const m = text("disp", "g-command", "帮助");
    expect((await post(m, { ts: t.clock() - 3_601_000 })).status).toBe(401);
    expect((await post(m, { ts: t.clock() + 3_601_000 })).status).toBe(401);
    expect((await post(m, { headers: { "content-type": "application/json" } })).status).toBe(401);
    expect(t.logs.some((l) => l.includes("outside the 1-hour window"))).toBe(true);
    expect(await q1(sql`select count(*) as n from inbox where key = ${`dingtalk:${m.msgId}`}`)).toEqual({ n: 0 });
    // The same message signed now is accepted: the refusals were about the envelope only.
    expect(await say(m)).toContain("帮助");
  });

  it("refuses a body that is not a robot message with 400", async () => {
    const res = await post({ hello: "world" });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("msgId");
  });
});

describe("a conversation in DingTalk groups", () => {
  let id = 0;
  it("a dispatcher's signed group message creates a case; the reply arrives through the sessionWebhook", async () => {
    const m = text("disp", "g-command", "交办 金牛大道某烧烤店油烟扰民 给 荷花池街道 限 12月25日");
    const reply = await say(m);
    expect(reply).toContain("已交办");
    id = Number(/#(\d+)/.exec(reply)![1]);
    expect(await q1(sql`select state from cases where id = ${id}`)).toEqual({ state: "pending_ack" });
    const [r] = sessionReplies(m);
    expect(r.body).toMatchObject({ msgtype: "markdown", markdown: { title: expect.any(String) } });
    // The unit group hears of it through the app robot's group send (§4b) with our robot code.
    const [push] = await until(() => groupSends("g-hh").length > 0 && groupSends("g-hh"), "the 交办 push to the unit group");
    expect(push.body).toMatchObject({ robotCode: "dingtestappkey0001", msgKey: "sampleMarkdown" });
    expect(push.msgParam.text).toContain(`#${id}`);
  });

  it("a duplicate msgId (DingTalk retry or replay) is processed and answered once", async () => {
    const m = text("disp", "g-command", "交办 荷花池某小区垃圾站异味 给 荷花池街道 限 12月25日");
    await say(m);
    expect((await post(m)).status).toBe(200);
    expect((await post(m)).status).toBe(200);
    await settleBackground();
    expect(sessionReplies(m)).toHaveLength(1);
    expect(await q1(sql`select count(*) as n from cases where title like '%垃圾站异味%'`)).toEqual({ n: 1 });
  });

  it("a richText message (text + pasted picture) stores the photo on the case", async () => {
    expect(await say(text("hh.officer", "g-hh", `签收 #${id}`))).toContain("已签收");
    t.fake.files.set("dl-photo-1", PNG);
    const m = robotMessage(t.fake.url, staff("hh.officer"), cid("g-hh"), { msgtype: "richText", content: { richText: [{ text: `进展 #${id} 整改后 已安装净化器` }, { type: "picture", downloadCode: "dl-photo-1" }] } }, t.clock());
    expect(await say(m)).toContain(`#${id}`);
    expect(t.fake.sent.some((s) => s.kind === "download" && s.downloadCode === "dl-photo-1" && s.robotCode === "dingtestappkey0001")).toBe(true);
    const photo = await q1<{ sha256: string; mime: string }>(sql`select sha256, mime from attachments where case_id = ${id}`);
    expect(photo).toEqual({ sha256: createHash("sha256").update(PNG).digest("hex"), mime: "image/png" });
  });

  it("a bare picture message binds to the case the sender last named", async () => {
    t.fake.files.set("dl-photo-2", distinctPhoto(7)); // not a near-duplicate of the first photo
    const m = robotMessage(t.fake.url, staff("hh.officer"), cid("g-hh"), { msgtype: "picture", content: { downloadCode: "dl-photo-2", pictureDownloadCode: "x" } }, t.clock());
    expect(await say(m)).toContain(`#${id}`);
    expect(await q1(sql`select count(*) as n from attachments where case_id = ${id}`)).toEqual({ n: 2 });
  });

  it("a picture that cannot be downloaded is asked for again, not dropped", async () => {
    const m = robotMessage(t.fake.url, staff("hh.officer"), cid("g-hh"), { msgtype: "picture", content: { downloadCode: "dl-expired" } }, t.clock());
    expect(await say(m)).toContain("请重新发送");
  });

  it("an unknown sender (staffId on no person) gets the unregistered reply, and an inactive person too", async () => {
    const m = textMessage(t.fake.url, "dt-stranger", cid("g-command"), "我的", t.clock());
    expect(await say(m)).toBe(UNREGISTERED_REPLY);
    expect(await say(text("gone", "g-hh", "我的"))).toBe(UNREGISTERED_REPLY);
  });

  it("a sessionWebhook off DingTalk's hosts is never called; the reply goes to the group robot instead", async () => {
    const m = { ...text("hh.officer", "g-hh", "帮助"), sessionWebhook: "http://127.0.0.2:9/robot/sendBySession?session=evil" };
    const before = groupSends("g-hh").length;
    expect((await post(m)).status).toBe(200);
    await until(() => groupSends("g-hh").length > before, "the reply through the group robot");
    expect(t.logs.some((l) => l.includes("sessionWebhook refused"))).toBe(true);
  });

  it("never logs the app secret, a token or a session", async () => {
    expect(t.logs.some((l) => l.includes("AppSecret_Test") || /sess\d+/.test(l) || /"tok\d+"/.test(l))).toBe(false);
  });
});

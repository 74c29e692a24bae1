/**
 * The DingTalk channel under the real outbox relay (dingtalk.md §4): pushes reach a group's custom robot correctly
 * signed (加签, checked by the fake with its own HMAC) with @-mentions in DingTalk's form, or the app robot's group
 * send; the rate-limit errcode pauses the robot for 10 minutes; an expired token is refreshed once; a permanent
 * error marks the row failed.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setGroupWebhook } from "../../src/db/dingtalk.js";
import { commit, insertOutbox } from "../../src/db/write.js";
import { drainOutbox } from "../../src/delivery/relay.js";
import { line, mention, msg, strong, title } from "../../src/domain/message.js";
import { cid, dingtalkApp, staff } from "../helpers/dingtalk-app.js";
import type { Sent } from "../helpers/fake-dingtalk.js";

let t: Awaited<ReturnType<typeof dingtalkApp>>;
const SECRET = "SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd";
beforeAll(async () => {
  t = await dingtalkApp();
  // Stored as DingTalk shows it; DINGTALK_API_BASE (the fake) stands in for oapi.dingtalk.com.
  await setGroupWebhook(t.db, cid("g-hh"), { webhook: "https://oapi.dingtalk.com/robot/send?access_token=TOKHH", secret: SECRET });
  t.fake.robots.set("TOKHH", SECRET);
});
afterAll(async () => t?.close());
beforeEach(() => {
  t.fake.sent.length = 0;
});

let n = 0;
async function queue(chat: string, message: unknown, mentions?: string[]) {
  const key = `test-${++n}`;
  await commit(t.db, [insertOutbox(t.db, { key, channel: "group", target: `dingtalk:${cid(chat)}`, payload: { message, ...(mentions ? { mentions } : {}) }, at: t.clock() })]);
  return key;
}
const rowOf = async (key: string) => (await t.db.all<{ status: string; attempts: number; last_error: string | null }>(sql`select status, attempts, last_error from outbox where idempotency_key = ${key}`))[0];
const webhooks = () => t.fake.sent.filter((s): s is Extract<Sent, { kind: "webhook" }> => s.kind === "webhook");

describe("custom robot with 加签", () => {
  it("a reminder reaches the group's webhook correctly signed, with @staffId in the text and at.atUserIds", async () => {
    const key = await queue("g-hh", msg(title("催办提醒"), line("请 ", mention("hh.head"), " 今日处理 ", strong("#7"))), ["hh.officer"]);
    expect(await drainOutbox(t.deps)).toMatchObject({ sent: 1 });
    const [w] = webhooks();
    expect(w).toMatchObject({ token: "TOKHH", signed: "ok" });
    expect(w.body.msgtype).toBe("markdown");
    expect(w.body.markdown.title).toBe("催办提醒");
    expect(w.body.markdown.text).toContain(`@${staff("hh.head")}`);
    expect(w.body.markdown.text).toContain(`@${staff("hh.officer")}`);
    expect(w.body.markdown.text).toContain("**#7**");
    expect(w.body.at.atUserIds.sort()).toEqual([staff("hh.head"), staff("hh.officer")].sort());
    expect((await rowOf(key)).status).toBe("sent");
  });

  it("the rate-limit errcode 130101 pauses the robot for 10 minutes; nothing is sent to it meanwhile", async () => {
    t.fake.webhookErrors.push(130101);
    const key = await queue("g-hh", "第一条");
    const other = await queue("g-hh", "第二条");
    expect(await drainOutbox(t.deps)).toMatchObject({ sent: 0, retried: 1 });
    expect(await rowOf(key)).toMatchObject({ status: "pending" });
    const [pause] = await t.db.all<{ expires_at: number }>(sql`select expires_at from leases where name = ${`pause:group:dingtalk:${cid("g-hh")}`}`);
    expect(pause.expires_at).toBeGreaterThanOrEqual(t.clock() + 600_000);
    const tried = webhooks().length;
    t.clock.advance(5 * 60_000);
    await drainOutbox(t.deps);
    expect(webhooks()).toHaveLength(tried); // still paused
    t.clock.advance(6 * 60_000);
    await drainOutbox(t.deps);
    expect(await rowOf(key)).toMatchObject({ status: "sent" });
    expect(await rowOf(other)).toMatchObject({ status: "sent" });
    expect(webhooks().map((w) => w.body.markdown.text)).toEqual(["第一条", "第一条", "第二条"]); // refused once, then in order
  });

  it("a wrong secret (310000 sign not match) fails the row permanently, visible with its error", async () => {
    t.fake.robots.set("TOKHH", "SECsomethingelse");
    const key = await queue("g-hh", "签名不对");
    await drainOutbox(t.deps);
    expect(await rowOf(key)).toMatchObject({ status: "failed" });
    expect((await rowOf(key)).last_error).toContain("310000");
    t.fake.robots.set("TOKHH", SECRET);
  });
});

describe("app robot group send (§4b)", () => {
  it("sends sampleMarkdown to the conversation with names for mentions (the API has no at)", async () => {
    await queue("g-command", msg(title("日报"), line("领导 ", mention("lead"), " 请阅")));
    await drainOutbox(t.deps);
    const [g] = t.fake.sent.filter((s): s is Extract<Sent, { kind: "group" }> => s.kind === "group");
    expect(g.body).toMatchObject({ robotCode: "dingtestappkey0001", openConversationId: cid("g-command"), msgKey: "sampleMarkdown" });
    expect(g.msgParam.title).toBe("日报");
    expect(g.msgParam.text).toContain("@李明华");
    expect(g.msgParam.text).not.toContain(staff("lead"));
  });

  it("an expired token is refreshed once and the send goes through", async () => {
    const issued = t.fake.tokensIssued;
    t.fake.expireToken();
    const key = await queue("g-command", "令牌过期后重发");
    await drainOutbox(t.deps);
    expect(await rowOf(key)).toMatchObject({ status: "sent" });
    expect(t.fake.tokensIssued).toBe(issued + 1);
  });

  it("the robot not being in the group (HTTP 400 invalidParameter) is permanent; a throttle code pauses", async () => {
    t.fake.groupErrors.push({ status: 400, code: "invalidParameter.robotCode.notExist" });
    const bad = await queue("g-sm", "机器人不在群里");
    await drainOutbox(t.deps);
    expect(await rowOf(bad)).toMatchObject({ status: "failed" });
    t.fake.groupErrors.push({ status: 429, code: "Forbidden.AccessDenied.QpsLimitForApi" });
    const busy = await queue("g-cg", "限流");
    await drainOutbox(t.deps);
    expect(await rowOf(busy)).toMatchObject({ status: "pending" });
    expect(await t.db.all(sql`select name from leases where name = ${`pause:group:dingtalk:${cid("g-cg")}`}`)).toHaveLength(1);
  });
});

describe("replies through the sessionWebhook (§1)", () => {
  const reply = async (chat: string, expiresAt: number, session: string) => {
    const key = `reply-${++n}`;
    const payload = { message: `回复${n}`, sessionWebhook: `https://oapi.dingtalk.com/robot/sendBySession?session=${session}`, expiresAt };
    await commit(t.db, [insertOutbox(t.db, { key, channel: "response_url", target: `dingtalk:${cid(chat)}`, payload, at: t.clock() })]);
    await drainOutbox(t.deps);
    return key;
  };

  it("uses the session while it is valid, through DINGTALK_API_BASE in place of oapi.dingtalk.com", async () => {
    const key = await reply("g-command", t.clock() + 5_400_000, "live1");
    expect(t.fake.sent).toEqual([expect.objectContaining({ kind: "session", session: "live1" })]);
    expect((await rowOf(key)).status).toBe("sent");
  });

  it("sends to the group robot once the session has expired, or when DingTalk says it is gone (300001)", async () => {
    await reply("g-command", t.clock() + 30_000, "nearly-expired"); // inside the one-minute margin
    expect(t.fake.sent.map((s) => s.kind)).toEqual(["group"]);
    t.fake.sent.length = 0;
    t.fake.sessionErrors.push(300001);
    const key = await reply("g-command", t.clock() + 5_400_000, "gone");
    expect(t.fake.sent.map((s) => s.kind)).toEqual(["session", "group"]);
    expect((await rowOf(key)).status).toBe("sent");
  });
});

describe("one-to-one push", () => {
  it("sends to the person's staffId with the app robot; a person without one fails visibly", async () => {
    await commit(t.db, [insertOutbox(t.db, { key: `user-${++n}`, channel: "user", target: "dingtalk:hh.head", payload: { message: "登录链接" }, at: t.clock() })]);
    await drainOutbox(t.deps);
    const [u] = t.fake.sent.filter((s): s is Extract<Sent, { kind: "user" }> => s.kind === "user");
    expect(u.body).toMatchObject({ robotCode: "dingtestappkey0001", userIds: [staff("hh.head")], msgKey: "sampleMarkdown" });
    await t.db.run(sql`update people set dingtalk_id = null where user_id = 'cg.head'`);
    const key = `user-${++n}`;
    await commit(t.db, [insertOutbox(t.db, { key, channel: "user", target: "dingtalk:cg.head", payload: { message: "登录链接" }, at: t.clock() })]);
    await drainOutbox(t.deps);
    expect(await rowOf(key)).toMatchObject({ status: "failed" });
    expect((await rowOf(key)).last_error).toContain("duban person set --user cg.head --dingtalk");
  });
});

/**
 * One-tap template cards in callback mode (issue 11 item 3; wecom.md §4): clicks arrive as SIGNED, ENCRYPTED
 * template_card_event callbacks built with the official `@wecom/crypto` (sealCallback) and our answers are opened
 * with it (openReply). A click runs the typed command as the clicker: it changes state only where typing would, the
 * card is replaced for everyone with the result, a refusal replaces only the clicker's card.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServerType } from "@hono/node-server";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type NodeHandle } from "../../src/runtime/node.js";
import { handleMessage } from "../../src/bot/pipeline.js";
import { cardOf } from "../../src/bot/wecom/card.js";
import { isMessage, type Message } from "../../src/domain/message.js";
import { localParts } from "../../src/domain/calendar.js";
import { createLogger } from "../../src/log.js";
import { PNG, seedFixture, testClock } from "../helpers/fixture.js";
import { createFakeWecom, openReply, sealCallback } from "../helpers/fake-wecom-api.js";
import { callbackEnv, serveLoopback } from "../helpers/net.js";

const CLOSE_ALL = "核查：属实，经现场核实该店未安装油烟净化设施\n整改：已安装油烟净化器并投入使用\n分类：限期整改\n责任：约谈店主张某，责令整改\n回访：满意";

const dir = mkdtempSync(join(tmpdir(), "duban-wecom-cards-"));
const clock = testClock();
const fake = createFakeWecom();
let fakeServer: ServerType;
let fakeUrl = "";
let h: NodeHandle;

beforeAll(async () => {
  ({ server: fakeServer, url: fakeUrl } = await serveLoopback(fake.handle));
  h = await startNode(callbackEnv(dir, fakeUrl), { clock, schedules: false, log: createLogger("error") });
  await seedFixture(h.deps.db);
});
afterAll(async () => {
  await h?.close();
  await new Promise<void>((r) => fakeServer?.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

let seq = 0;
const q1 = async <T>(query: ReturnType<typeof sql>) => (await h.deps.db.all<T>(query))[0];
const count = async (id: number, kind: string) => (await q1<{ n: number }>(sql`select count(*) as n from case_events where case_id = ${id} and kind = ${kind}`)).n;
const stateOf = async (id: number) => (await q1<{ state: string }>(sql`select state from cases where id = ${id}`)).state;

/** Typed text through the same pipeline (setup only; the clicks below go through the signed callback). */
async function say(userId: string, chatId: string, text: string, uploads: { bytes: Uint8Array; name?: string }[] = []) {
  const replies = await handleMessage(h.deps, { channel: "sim", msgId: `setup-${++seq}`, chatId, chatType: "group", senderId: userId, text: `@督办助手 ${text}`, uploads });
  return replies.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n");
}

/** The template_card_event WeCom sends when `userid` taps the button with `key` (§4.3), with no msgid (R07). */
function click(userid: string, chatId: string, key: string, taskId = `task_${++seq}`) {
  clock.advance(1_000); // each tap has its own create_time, as in WeCom
  return {
    aibotid: "BOT", chatid: chatId, chattype: "group", from: { userid }, create_time: Math.floor(clock() / 1000),
    response_url: `${fakeUrl}/cgi-bin/aibot/response?response_code=card-${seq}`, msgtype: "event",
    event: { eventtype: "template_card_event", template_card_event: { card_type: "button_interaction", event_key: key, task_id: taskId } },
  };
}

type Update = { response_type: string; userids?: string[]; template_card: { card_type: string; task_id: string; main_title: { title: string; desc?: string }; sub_title_text?: string } };

async function post(payload: unknown, sealed = sealCallback(payload, { timestamp: Math.floor(clock() / 1000) })) {
  const res = await fetch(`${h.url}/wecom/callback?${sealed.query}`, { method: "POST", body: sealed.body, headers: { "content-type": "application/json" } });
  const raw = await res.text();
  expect(res.status).toBe(200);
  return { sealed, json: openReply(raw, sealed.nonce).json as unknown as Update }; // signature and nonce checked, decrypted
}

/** The last push queued to a chat, as neutral content. */
async function lastPush(chatId: string): Promise<Message> {
  const row = await q1<{ payload: string }>(sql`select payload from outbox where target = ${`wecom:${chatId}`} order by id desc limit 1`);
  const m = (JSON.parse(row.payload) as { message: unknown }).message;
  expect(isMessage(m)).toBe(true);
  return m as Message;
}
const buttonKeys = (m: Message) => ((cardOf(m, "t")?.card.button_list ?? []) as { text: string; key: string }[]).map((b) => `${b.text}=${b.key}`);
const stamp = (ms: number) => {
  const p = localParts(ms, "Asia/Shanghai");
  return `${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")} ${String(p.hour).padStart(2, "0")}:${String(p.minute).padStart(2, "0")}`;
};

async function newCase(title: string): Promise<number> {
  return Number(/#(\d+)/.exec(await say("disp", "g-command", `交办 ${title} 给 荷花池街道 限 12月25日`))![1]);
}

describe("template card clicks through signed, encrypted callbacks", () => {
  it("签收: clickers who may not sign (another unit, the office) are refused on their own card only; the unit head signs it for everyone; a replay and a late tap change nothing", async () => {
    const id = await newCase("金牛大道某烧烤店油烟扰民");
    expect(buttonKeys(await lastPush("g-hh"))).toEqual([`签收=签收 #${id}`]);

    const refused = await post(click("sm.head", "g-hh", `签收 #${id}`, `t_ack_${id}`));
    expect(refused.json).toMatchObject({ response_type: "update_template_card", userids: ["sm.head"], template_card: { card_type: "text_notice", task_id: `t_ack_${id}` } });
    expect(await stateOf(id)).toBe("pending_ack");
    expect(await count(id, "acknowledged")).toBe(0);
    expect(refused.json.template_card.main_title.title).toContain(`#${id}`); // the typed command's own answer (not in their view)
    const forbidden = await post(click("disp", "g-hh", `签收 #${id}`, `t_ack_${id}`)); // the office sees it but may not sign
    expect(forbidden.json.userids).toEqual(["disp"]);
    expect(await stateOf(id)).toBe("pending_ack");
    expect((await q1<{ n: number }>(sql`select count(*) as n from audit_log where actor = 'disp' and result = 'denied'`)).n).toBe(1);

    const tap = click("hh.head", "g-hh", `签收 #${id}`, `t_ack_${id}`);
    const done = await post(tap);
    const ackedAt = (await q1<{ t: number }>(sql`select acknowledged_at as t from cases where id = ${id}`)).t;
    expect(done.json.userids).toBeUndefined(); // §4.4: no userids = every member's card
    expect(done.json.template_card).toMatchObject({ card_type: "text_notice", task_id: `t_ack_${id}`, main_title: { title: `已签收 · 王芳 ${stamp(ackedAt)}`, desc: expect.stringContaining(`#${id} `) } });
    expect(done.json.template_card.sub_title_text).toContain("签收");
    expect(await stateOf(id)).toBe("in_progress");

    const replay = await post(tap, done.sealed); // the very same signed request again
    expect(replay.json).toEqual(done.json);
    const late = await post(click("hh.officer", "g-hh", `签收 #${id}`)); // someone taps the stale card
    expect(late.json.userids).toBeUndefined();
    expect(late.json.template_card.main_title.title).toBe(`已签收 · 王芳 ${stamp(ackedAt)}`);
    expect(await count(id, "acknowledged")).toBe(1);
    // A key for a case the clicker may not see (a forged one, in another group) says no more than typing it would.
    const outsider = await post(click("sm.head", "g-sm", `签收 #${id}`));
    expect(outsider.json.userids).toEqual(["sm.head"]);
    expect(JSON.stringify(outsider.json)).not.toContain("烧烤店");
    expect(JSON.stringify(outsider.json)).not.toContain("王芳");
  });

  it("办结待审: 通过 is refused for a unit head, 驳回 asks the leader for the reason by reply, 通过 by the leader closes the case for everyone", async () => {
    const id = await newCase("驷马桥路某工地夜间施工噪声");
    await say("hh.head", "g-hh", `签收 #${id}`);
    await say("hh.officer", "g-hh", `进展 #${id} 整改后 已安装隔音屏`, [{ bytes: PNG, name: "after.png" }]);
    expect(await say("hh.officer", "g-hh", `办结 #${id}\n${CLOSE_ALL}`)).toContain("已提交");
    expect(buttonKeys(await lastPush("g-command"))).toEqual([`通过=通过 #${id}`, `驳回=驳回 #${id}`]);

    const refused = await post(click("hh.head", "g-command", `通过 #${id}`));
    expect(refused.json.userids).toEqual(["hh.head"]);
    expect(await stateOf(id)).toBe("pending_review");

    const ask = await post(click("lead", "g-command", `驳回 #${id}`));
    expect(ask.json.userids).toEqual(["lead"]);
    expect(ask.json.template_card.main_title.title).toBe(`请回复：驳回 #${id} 原因`);
    expect(await stateOf(id)).toBe("pending_review");
    expect(await count(id, "closure_rejected")).toBe(0);

    const notLeader = await post(click("hh.head", "g-command", `驳回 #${id}`));
    expect(notLeader.json.userids).toEqual(["hh.head"]);
    expect(notLeader.json.template_card.main_title.title).toContain("不能驳回");

    const approved = await post(click("lead", "g-command", `通过 #${id}`));
    expect(approved.json.userids).toBeUndefined();
    expect(approved.json.template_card.main_title.title).toMatch(new RegExp(`^已通过 · 李明华 \\d\\d-\\d\\d \\d\\d:\\d\\d$`));
    expect(await stateOf(id)).toBe("closed");
    expect(await count(id, "closure_approved")).toBe(1);
    // 驳回 tapped on the now stale card: the decision is shown, nobody is asked for a reason.
    const stale = await post(click("lead", "g-command", `驳回 #${id}`));
    expect(stale.json.userids).toBeUndefined();
    expect(stale.json.template_card.main_title.title).toMatch(/^已通过 · 李明华/);
  });

  it("a submission whose photos are flagged offers only 驳回: the leader must look at the photos and type 通过 with a note", async () => {
    const id = await newCase("荷花池某餐馆油烟直排");
    await say("hh.head", "g-hh", `签收 #${id}`);
    await say("hh.officer", "g-hh", `进展 #${id} 整改后 已安装净化器`, [{ bytes: PNG, name: "same.png" }]); // the photo another case already has
    expect(await say("hh.officer", "g-hh", `办结 #${id}\n${CLOSE_ALL}`)).toContain("照片核查");
    expect(buttonKeys(await lastPush("g-command"))).toEqual([`驳回=驳回 #${id}`]);
    // A forged 通过 key does what typing "通过 #N" does: the flagged photos still need a typed note.
    const forged = await post(click("lead", "g-command", `通过 #${id}`));
    expect(forged.json.userids).toEqual(["lead"]);
    expect(await stateOf(id)).toBe("pending_review");
  });

  it("延期申请 carries 同意 and 不同意; 不同意 asks for the reason, 同意 by the leader moves the deadline for everyone", async () => {
    const id = await newCase("荷花池某小区污水外溢");
    await say("hh.head", "g-hh", `签收 #${id}`);
    await say("hh.head", "g-hh", `延期 #${id} 至 12月30日 设备到货需10天`);
    expect(buttonKeys(await lastPush("g-command"))).toEqual([`同意=同意延期 #${id}`, `不同意=不同意延期 #${id}`]);
    const ask = await post(click("lead", "g-command", `不同意延期 #${id}`));
    expect(ask.json).toMatchObject({ userids: ["lead"], template_card: { main_title: { title: `请回复：不同意延期 #${id} 原因` } } });
    const ok = await post(click("lead", "g-command", `同意延期 #${id}`));
    expect(ok.json.userids).toBeUndefined();
    expect(ok.json.template_card.main_title.title).toContain("已同意延期 · 李明华");
    expect(await count(id, "extension_approved")).toBe(1);
    expect((await q1<{ d: number | null }>(sql`select ext_requested_due as d from cases where id = ${id}`)).d).toBeNull();
  });

  it("two different taps by one person within the same second are two commands, not a duplicate", async () => {
    const id = await newCase("荷花池某洗车店污水直排");
    await say("hh.head", "g-hh", `签收 #${id}`);
    await say("hh.head", "g-hh", `延期 #${id} 至 12月30日 管网施工`);
    const a = click("lead", "g-command", `不同意延期 #${id}`);
    const b = { ...click("lead", "g-command", `同意延期 #${id}`), create_time: a.create_time }; // same user, same second
    expect((await post(a)).json.template_card.main_title.title).toBe(`请回复：不同意延期 #${id} 原因`);
    expect((await post(b)).json.template_card.main_title.title).toContain("已同意延期");
    expect(await count(id, "extension_approved")).toBe(1);
  });

  it("a key that is not a card command is ignored, even when validly signed: no case, no reply card", async () => {
    const before = (await q1<{ n: number }>(sql`select count(*) as n from cases`)).n;
    const r = await post(click("disp", "g-command", "交办 伪造的按钮 给 荷花池街道 限 12月25日"));
    expect(r.json).toEqual({});
    expect((await q1<{ n: number }>(sql`select count(*) as n from cases`)).n).toBe(before);
  });
});

/**
 * The WeCom callback channel inside workerd with D1 and R2, through SELF.fetch. Outbound calls (robot webhook,
 * response_url, media) land on the fake WeCom API of vitest.config.ts; callbacks are sealed and replies opened there,
 * in Node, with the official `@wecom/crypto` package as the independent client (wecom.md §1.A, §2).
 */
import { SELF, env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema.js";
import type { Db } from "../../src/db/types.js";
import { seedFixture } from "../helpers/seed-fixture.js";

const PNG = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="), (c) => c.charCodeAt(0));
const CLOSE_ALL = "核查：属实，经现场核实该店未安装油烟净化设施\n整改：已安装油烟净化器并投入使用\n分类：限期整改\n责任：约谈店主张某，责令整改\n回访：满意";
const KEYS = { command: "wk-robot-command-01", hh: "wk-robot-hh-02" };

type Call = { kind: string; key?: string; code?: string; name?: string; status?: number; body: { markdown?: { content: string } } };
type Sealed = { query: string; body: string; nonce: string; encrypt: string; signature: string; timestamp: string };

const fake = (path: string, init?: RequestInit) => env.FAKE_WECOM.fetch(`http://fake${path}`, init);
const calls = async () => (await (await fake("/__calls")).json()) as Call[];
const seal = async (payload: unknown, nonce?: string) =>
  (await (await fake("/__seal", { method: "POST", body: JSON.stringify({ payload, timestamp: Math.floor(Date.now() / 1000), nonce }) })).json()) as Sealed;

async function open(text: string, nonce: string): Promise<Record<string, unknown>> {
  const res = await fake("/__open", { method: "POST", body: JSON.stringify({ text, nonce }) });
  const r = (await res.json()) as { json?: Record<string, unknown>; error?: string };
  if (!r.json) throw new Error(r.error);
  return r.json;
}

let seq = 0;
type Payload = Record<string, unknown> & { msgid: string; response_url: string };
const message = (userid: string, chatid: string, body: Record<string, unknown>): Payload => {
  const n = ++seq;
  return { msgid: `wk-${n}-${Date.now()}`, aibotid: "BOT", chatid, chattype: "group", from: { userid }, response_url: `https://qyapi.fake.test/cgi-bin/aibot/response?response_code=wk-${n}`, ...body };
};
const text = (userid: string, chatid: string, content: string) => message(userid, chatid, { msgtype: "text", text: { content: `@督办助手 ${content}` } });

async function post(sealed: Sealed): Promise<Response> {
  return SELF.fetch(`https://duban.test/wecom/callback?${sealed.query}`, { method: "POST", body: sealed.body });
}

async function until<T>(fn: () => Promise<T | undefined>, what: string, ms = 8_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The finished stream's content, or the response_url post when the work outran the budget. */
async function say(p: Payload): Promise<string> {
  const sealed = await seal(p);
  const res = await post(sealed);
  expect(res.status).toBe(200);
  const reply = await open(await res.text(), sealed.nonce);
  const stream = reply.stream as { id: string; finish: boolean; content: string } | undefined;
  if (stream) {
    expect(stream).toMatchObject({ id: p.msgid, finish: true });
    return stream.content;
  }
  const code = new URL(p.response_url).searchParams.get("response_code");
  const late = await until(async () => (await calls()).find((c) => c.kind === "response_url" && c.code === code), "the late reply");
  return late.body.markdown?.content ?? "";
}

const robotTexts = async (key: string) => (await calls()).filter((c) => c.kind === "robot" && c.key === key).map((c) => c.body.markdown?.content ?? "");
const pushed = (key: string, ...parts: string[]) =>
  until(async () => ((await robotTexts(key)).some((t) => parts.every((p) => t.includes(p))) ? true : undefined), `a push with ${parts.join(" ")}`);

describe("the WeCom callback inside workerd", () => {
  beforeAll(async () => {
    await seedFixture(drizzle(env.DB, { schema }) as unknown as Db);
    await env.DB.prepare("update groups set robot_key = ? where chat_id = 'g-command'").bind(KEYS.command).run();
    await env.DB.prepare("update groups set robot_key = ? where chat_id = 'g-hh'").bind(KEYS.hh).run();
    await fake("/__media?name=wk-photo.png", { method: "PUT", body: PNG });
  });

  it("answers URL verification with the bare echostr", async () => {
    // The sealed `encrypt` is signed exactly as an echostr is (§1.A.1), so it serves as one.
    const sealed = await seal("1616140317555161061");
    const res = await SELF.fetch(`https://duban.test/wecom/callback?${sealed.query}&echostr=${encodeURIComponent(sealed.encrypt)}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("1616140317555161061");
  });

  it("交办 → 签收 → a photo → 办结 → 通过, with D1 state, the photo in R2 and the robot pushes", async () => {
    const created = await say(text("disp", "g-command", "交办 金牛大道某烧烤店油烟扰民 给 荷花池街道 限 12月25日"));
    expect(created).toContain("已交办");
    const id = Number(/#(\d+)/.exec(created)![1]);
    await pushed(KEYS.hh, `#${id}`);
    expect(await say(text("hh.officer", "g-hh", `签收 #${id}`))).toContain("已签收");
    await pushed(KEYS.command, `#${id}`, "签收");
    const photo = message("hh.officer", "g-hh", {
      msgtype: "mixed",
      mixed: { msg_item: [{ msgtype: "text", text: { content: `@督办助手 进展 #${id} 整改后 已安装净化器` } }, { msgtype: "image", image: { url: "https://qyapi.fake.test/media/wk-photo.png" } }] },
    });
    expect(await say(photo)).toContain(`#${id}`);
    const att = (await env.DB.prepare("select storage_key as k, phase from attachments where case_id = ?").bind(id).first()) as { k: string; phase: string };
    expect(att.phase).toBe("after");
    expect(await env.FILES.head(att.k)).not.toBeNull();
    expect(await say(text("hh.officer", "g-hh", `办结 #${id}\n${CLOSE_ALL}`))).toContain("已提交");
    expect(await say(text("lead", "g-command", `通过 #${id}`))).toContain("审核通过");
    await pushed(KEYS.hh, `#${id}`, "审核通过");
    expect(await env.DB.prepare("select state from cases where id = ?").bind(id).first()).toEqual({ state: "closed" });
  });

  it("answers with an empty package when the work is slow and delivers the reply later through response_url via waitUntil (R08)", async () => {
    const id = Number(/#(\d+)/.exec(await say(text("disp", "g-command", "交办 荷花池某酒店噪声 给 荷花池街道 限 12月25日")))![1]);
    await say(text("hh.officer", "g-hh", `签收 #${id}`));
    const p = message("hh.officer", "g-hh", {
      msgtype: "mixed",
      mixed: { msg_item: [{ msgtype: "text", text: { content: `@督办助手 进展 #${id} 已约谈` } }, { msgtype: "image", image: { url: "https://qyapi.fake.test/media/wk-photo.png?delay_ms=1500" } }] },
    });
    const sealed = await seal(p);
    const res = await post(sealed);
    const reply = await open(await res.text(), sealed.nonce);
    expect(reply).toEqual({}); // answered before the 1.5 s download finished: the budget path (timing lives in bench/)
    const code = new URL(p.response_url).searchParams.get("response_code");
    const late = await until(async () => (await calls()).find((c) => c.kind === "response_url" && c.code === code), "the late reply");
    expect(late.body.markdown?.content).toContain(`#${id}`);
    expect(await env.DB.prepare("select count(*) as n from case_events where case_id = ? and kind = 'progress'").bind(id).first()).toEqual({ n: 1 });
  });

  it("gives a redelivered message one effect and refuses a tampered one with 403 and no writes", async () => {
    const p = text("disp", "g-command", "交办 驷马桥某工地扬尘 给 荷花池街道 限 12月25日");
    const [a, b] = await Promise.all([say(p), say(p)]);
    expect(a).toBe(b);
    expect(await env.DB.prepare("select count(*) as n from cases where title like '%工地扬尘%'").first()).toEqual({ n: 1 });
    const inbox = async () => (await env.DB.prepare("select (select count(*) from inbox) + (select count(*) from wecom_nonces) as n").first()) as { n: number };
    const before = await inbox();
    const sealed = await seal(text("disp", "g-command", "交办 篡改 给 荷花池街道"));
    const bad = await post({ ...sealed, body: JSON.stringify({ encrypt: `${sealed.encrypt.slice(0, -6)}AAAA==` }) });
    expect(bad.status).toBe(403);
    expect(await inbox()).toEqual(before);
    expect((await SELF.fetch(`https://duban.test/wecom/callback?${sealed.query}`, { method: "POST", body: "x".repeat(70_000) })).status).toBe(413);
  });
});

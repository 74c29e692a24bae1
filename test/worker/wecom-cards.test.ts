/**
 * Template card clicks (issue 11) inside workerd with D1, through SELF.fetch: sealed and opened in Node by the fake
 * WeCom API of vitest.config.ts with the official `@wecom/crypto`. The same checks as node/wecom-cards.test.ts, short.
 */
import { SELF, env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema.js";
import type { Db } from "../../src/db/types.js";
import { seedFixture } from "../helpers/seed-fixture.js";

type Sealed = { query: string; body: string; nonce: string };
type Update = { response_type?: string; userids?: string[]; template_card?: { task_id: string; main_title: { title: string } }; stream?: { content: string } };

const fake = (path: string, init?: RequestInit) => env.FAKE_WECOM.fetch(`http://fake${path}`, init);
const seal = async (payload: unknown) => (await (await fake("/__seal", { method: "POST", body: JSON.stringify({ payload, timestamp: Math.floor(Date.now() / 1000) }) })).json()) as Sealed;

async function send(payload: unknown, sealed?: Sealed): Promise<{ sealed: Sealed; json: Update }> {
  const s = sealed ?? (await seal(payload));
  const res = await SELF.fetch(`https://duban.test/wecom/callback?${s.query}`, { method: "POST", body: s.body });
  expect(res.status).toBe(200);
  const r = (await (await fake("/__open", { method: "POST", body: JSON.stringify({ text: await res.text(), nonce: s.nonce }) })).json()) as { json?: Update; error?: string };
  if (!r.json) throw new Error(r.error);
  return { sealed: s, json: r.json };
}

/** The reply that outran the 800 ms answer went to response_url (R08): read it from the fake's record. */
async function lateReply(url: string): Promise<string> {
  const code = new URL(url).searchParams.get("response_code");
  for (let i = 0; i < 300; i++) {
    const calls = (await (await fake("/__calls")).json()) as { kind: string; code?: string; body: { markdown?: { content: string } } }[];
    const hit = calls.find((c) => c.kind === "response_url" && c.code === code);
    if (hit) return hit.body.markdown?.content ?? "";
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error("no reply");
}

let seq = 0;
const base = (userid: string, chatid: string) => ({ aibotid: "BOT", chatid, chattype: "group", from: { userid }, response_url: `https://qyapi.fake.test/cgi-bin/aibot/response?response_code=wkc-${++seq}` });
const tap = (userid: string, chatid: string, key: string) => ({
  ...base(userid, chatid), create_time: Math.floor(Date.now() / 1000) + ++seq, msgtype: "event",
  event: { eventtype: "template_card_event", template_card_event: { card_type: "button_interaction", event_key: key, task_id: `wk_task_${seq}` } },
});
const state = async (id: number) => (await env.DB.prepare("select state from cases where id = ?").bind(id).first<{ state: string }>())?.state;

describe("template card clicks inside workerd", () => {
  beforeAll(async () => {
    await seedFixture(drizzle(env.DB, { schema }) as unknown as Db);
  });

  it("runs 签收 as the clicker on D1: refused on the outsider's card only, done for everyone, once", async () => {
    const msg = { ...base("disp", "g-command"), msgid: `wkc-${Date.now()}`, msgtype: "text", text: { content: "@督办助手 交办 金牛大道某烧烤店油烟扰民 给 荷花池街道 限 12月25日" } };
    const created = await send(msg);
    const id = Number(/#(\d+)/.exec(created.json.stream?.content ?? (await lateReply(msg.response_url)))![1]);

    const refused = await send(tap("sm.head", "g-hh", `签收 #${id}`));
    expect(refused.json).toMatchObject({ response_type: "update_template_card", userids: ["sm.head"] });
    expect(await state(id)).toBe("pending_ack");

    const first = tap("hh.head", "g-hh", `签收 #${id}`);
    const done = await send(first);
    expect(done.json.userids).toBeUndefined();
    expect(done.json.template_card?.main_title.title).toMatch(/^已签收 · 王芳 \d\d-\d\d \d\d:\d\d$/);
    expect(await state(id)).toBe("in_progress");

    expect((await send(first, done.sealed)).json).toEqual(done.json); // the same signed request again
    const n = await env.DB.prepare("select count(*) as n from case_events where case_id = ? and kind = 'acknowledged'").bind(id).first<{ n: number }>();
    expect(n?.n).toBe(1);
  });
});

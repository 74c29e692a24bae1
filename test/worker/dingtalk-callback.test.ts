/**
 * POST /dingtalk/callback inside workerd with D1 (issue 15): the HTTP receiver runs on Workers. Headers are signed in
 * Node by the tests' own node:crypto client (the FAKE_DINGTALK binding of vitest.config.ts), never by the app's
 * WebCrypto code; the reply's sessionWebhook post lands on the fake DingTalk, reached through DINGTALK_API_BASE.
 */
import { createExecutionContext, SELF, env, waitOnExecutionContext } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { eq, like } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema.js";
import type { Db } from "../../src/db/types.js";
import { U, seedFixture } from "../helpers/seed-fixture.js";
import worker, { type WorkerEnv } from "../../src/runtime/worker.js";

const CID = "cidWorkerCmd+Q7/bW==";
type Sent = { kind: string; session?: string; body?: { markdown?: { text: string } } };

const db = () => drizzle(env.DB, { schema }) as unknown as Db;
const control = (path: string) => env.FAKE_DINGTALK.fetch(`http://fake${path}`);
const signed = async (ts: number, secret?: string) =>
  (await (await control(`/__signed?ts=${ts}${secret ? `&secret=${encodeURIComponent(secret)}` : ""}`)).json()) as Record<string, string>;
const sent = async () => (await (await control("/__sent")).json()) as Sent[];

let seq = 0;
function message(staffId: string, text: string) {
  const n = ++seq;
  const at = Date.now();
  return {
    msgId: `wk-dt-${n}-${at}`, msgtype: "text", text: { content: ` ${text}` }, conversationId: CID, conversationType: "2", conversationTitle: "钉钉指挥群",
    senderStaffId: staffId, senderNick: staffId, createAt: at, isInAtList: true, robotCode: "dingtestappkey0001",
    sessionWebhook: `https://oapi.dingtalk.com/robot/sendBySession?session=wk-${n}`, sessionWebhookExpiredTime: at + 5_400_000,
  };
}
const post = (body: unknown, headers: Record<string, string>) =>
  SELF.fetch("https://duban.example/dingtalk/callback", { method: "POST", body: JSON.stringify(body), headers });
const casesTitled = async (title: string) => db().select({ id: schema.cases.id, state: schema.cases.state }).from(schema.cases).where(like(schema.cases.title, `%${title}%`));

async function until<T>(fn: () => Promise<T | undefined>, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  await seedFixture(db());
  await db().insert(schema.groups).values({ chatId: CID, name: "钉钉指挥群", purpose: "command", platform: "dingtalk" });
  await db().update(schema.people).set({ dingtalkId: "dt-disp" }).where(eq(schema.people.userId, "disp"));
});

describe("POST /dingtalk/callback on Workers", () => {
  it("refuses a bad signature, a stale timestamp and missing headers (401), and creates nothing", async () => {
    const m = message("dt-disp", "交办 工人村河道漂浮物 给 荷花池街道");
    const json = { "content-type": "application/json" };
    expect((await post(m, await signed(Date.now(), "not-the-app-secret"))).status).toBe(401);
    expect((await post(m, await signed(Date.now() - 3_600_001))).status).toBe(401);
    expect((await post(m, json)).status).toBe(401);
    expect(await casesTitled("工人村河道漂浮物")).toEqual([]);
  });

  it("creates a case from a correctly signed message and replies through its sessionWebhook", async () => {
    const m = message("dt-disp", "交办 金泉街道某工地夜间施工 给 荷花池街道");
    const res = await post(m, await signed(Date.now()));
    expect(res.status).toBe(200);
    const [c] = await until(async () => ((await casesTitled("某工地夜间施工")).length ? casesTitled("某工地夜间施工") : undefined), "the case");
    expect(c.state).toBe("pending_ack");
    const [row] = await db().select().from(schema.cases).where(eq(schema.cases.id, c.id));
    expect(row.leadUnitId).toBe(U.hehuachi);
    const reply = await until(async () => (await sent()).find((s) => s.kind === "session" && s.session === `wk-${seq}`), "the sessionWebhook reply");
    expect(reply.body?.markdown?.text).toContain(`#${c.id}`);
    // Delivered once: the same message again (DingTalk's retry, or a replay within the hour) changes nothing.
    expect((await post(m, await signed(Date.now()))).status).toBe(200);
    expect(await casesTitled("某工地夜间施工")).toHaveLength(1);
  });
});

describe("DINGTALK_MODE=stream on Workers", () => {
  it("is refused at start with a message naming the setting (a Worker cannot keep the Stream connection)", async () => {
    const bindings = env as unknown as WorkerEnv;
    const vars = { DINGTALK_MODE: "stream", DINGTALK_APP_KEY: "k", DINGTALK_APP_SECRET: "s".repeat(20), DINGTALK_ROBOT_CODE: "k", SESSION_SECRET: "x".repeat(40) };
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request("https://duban.example/healthz"), { DB: bindings.DB, FILES: bindings.FILES, ...vars }, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text).toContain("DINGTALK_MODE=stream needs a Node host");
    expect(text).not.toContain("s".repeat(20)); // a setting is named, never its value
  });
});

/**
 * R01 at a lighter rate for CI: signed, encrypted 交办 callbacks sent open-loop (one every 100 ms whatever the answers
 * do) at a real `startNode` server in callback mode. Every one must be answered 200 with a correctly signed reply and
 * take effect exactly once. Latency is not asserted (a busy machine skews it): bench/callback.ts runs the full
 * 50 req/s for 60 s and records p99/max in docs/performance.md.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServerType } from "@hono/node-server";
import { like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNode, type NodeHandle } from "../../src/runtime/node.js";
import { cases } from "../../src/db/schema.js";
import { silentLogger } from "../../src/log.js";
import { seedFixture } from "../helpers/fixture.js";
import { createFakeWecom, openReply, sealCallback } from "../helpers/fake-wecom-api.js";
import { callbackEnv, serveLoopback } from "../helpers/net.js";

const RATE = 10; // per second: a fifth of R01's 50, so the run stays light on a shared CI machine
const SECONDS = 10;

const dir = mkdtempSync(join(tmpdir(), "duban-r01-"));
const fake = createFakeWecom();
let fakeServer: ServerType;
let fakeUrl = "";
let h: NodeHandle;

beforeAll(async () => {
  ({ server: fakeServer, url: fakeUrl } = await serveLoopback(fake.handle));
  h = await startNode(callbackEnv(dir, fakeUrl), { schedules: false, log: silentLogger });
  await seedFixture(h.deps.db);
});
afterAll(async () => {
  await h?.close();
  await new Promise<void>((r) => fakeServer?.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

type Answer = { i: number; status: number; content: string };

async function send(i: number): Promise<Answer> {
  const payload = {
    msgid: `r01-${i}-${process.pid}`, aibotid: "BOT", chatid: "g-command", chattype: "group", from: { userid: "disp" },
    response_url: `${fakeUrl}/cgi-bin/aibot/response?response_code=r01-${i}`, msgtype: "text",
    text: { content: `@督办助手 交办 R01负载第${i}件 某餐馆油烟扰民 给 荷花池街道 限 5个工作日` },
  };
  const sealed = sealCallback(payload, { timestamp: Math.floor(Date.now() / 1000) });
  const res = await fetch(`${h.url}/wecom/callback?${sealed.query}`, { method: "POST", body: sealed.body, headers: { "content-type": "application/json" } });
  const raw = await res.text();
  if (res.status !== 200) return { i, status: res.status, content: raw };
  const { json } = openReply(raw, sealed.nonce);
  const stream = (json as { stream?: { content: string } }).stream;
  // Past the 800 ms budget the answer is an empty package and the reply follows through response_url (R08).
  if (stream) return { i, status: 200, content: stream.content };
  for (let k = 0; k < 200; k++) {
    const call = fake.calls.find((c) => c.kind === "response_url" && c.code === `r01-${i}`);
    if (call?.kind === "response_url") return { i, status: 200, content: call.body.markdown?.content ?? "" };
    await new Promise((r) => setTimeout(r, 50));
  }
  return { i, status: 200, content: "" };
}

describe("R01 at a lighter rate", () => {
  it(`${RATE * SECONDS} signed 交办 callbacks open-loop at ${RATE}/s: all answered 200, each one case`, async () => {
    const inflight: Promise<Answer>[] = [];
    const t0 = performance.now();
    for (let i = 0; i < RATE * SECONDS; i++) {
      const wait = t0 + (i * 1000) / RATE - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inflight.push(send(i));
    }
    const answers = await Promise.all(inflight);
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    expect(answers.filter((a) => !/已交办/.test(a.content)).map((a) => a.i)).toEqual([]);
    const rows = await h.deps.db.select({ title: cases.title }).from(cases).where(like(cases.content, "R01负载第%"));
    expect(rows).toHaveLength(RATE * SECONDS); // exactly once each: no lost and no doubled command
  }, 60_000);
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { createServer, type Server } from "node:http";
import { eq } from "drizzle-orm";
import { tempDb } from "../helpers/db.js";
import { auditLog, outbox } from "../../src/db/schema.js";
import { commit, insertOutbox } from "../../src/db/write.js";
import { backoffMs, drainOutbox, drainSoon, MAX_ATTEMPTS, MAX_PER_WINDOW, WINDOW_MS } from "../../src/delivery/relay.js";
import { splitBytes as splitMessage } from "../../src/delivery/split.js";
import { renderWecomChunks, WECOM_LIMITS as LIMITS } from "../../src/bot/wecom/render.js";
import { channels } from "../../src/delivery/channels.js";
import { line, msg, title } from "../../src/domain/message.js";
import { robotBody, sendToRobot } from "../../src/bot/wecom/robot.js";
import type { Channel, DeliverResult } from "../../src/delivery/types.js";
import { silentLogger } from "../../src/log.js";

let t: Awaited<ReturnType<typeof tempDb>>;
beforeAll(async () => {
  t = await tempDb();
});
afterAll(() => t.cleanup());
beforeEach(async () => {
  await t.client.execute("delete from outbox");
  await t.client.execute("delete from robot_sends");
  await t.client.execute("delete from leases");
});

let now = 0;
const sends: { target: string; at: number; text: string }[] = [];
let respond: (target: string, n: number) => DeliverResult = () => ({ ok: true });
const deps = () => ({
  db: t.db,
  log: silentLogger,
  clock: () => now,
  deliver: wecomLike,
});
/** The WeCom chunks, sent to a recorder standing in for the network edge. */
const wecomLike: Channel = {
  render: (row) => renderWecomChunks(row.payload),
  send: async (row, chunk) => {
    sends.push({ target: row.target, at: now, text: String(chunk.markdown ?? chunk.text) });
    return respond(row.target, sends.filter((s) => s.target === row.target).length);
  },
};

async function enqueue(target: string, n: number, at = now, text = (i: number) => `消息 ${target} ${i}`) {
  await commit(t.db, Array.from({ length: n }, (_, i) => insertOutbox(t.db, { key: `${target}-${at}-${i}`, channel: "group", target, payload: { markdown: text(i) }, at })));
}

/** Run the relay every `step` ms of fake time until nothing is due or `until` passes. */
async function runUntil(until: number, step = 1_000) {
  for (; now <= until; now += step) await drainOutbox(deps());
}

describe("the outbox relay", () => {
  beforeEach(() => {
    sends.length = 0;
    now = 1_000_000;
    respond = () => ({ ok: true });
  });

  it("keeps each robot within 18 sends per sliding minute and does not block another robot (R16)", async () => {
    await enqueue("A", 100);
    await enqueue("B", 5);
    await runUntil(now + 10 * 60_000);
    const a = sends.filter((s) => s.target === "A").map((s) => s.at);
    const b = sends.filter((s) => s.target === "B").map((s) => s.at);
    expect(a).toHaveLength(100);
    expect(b).toHaveLength(5);
    for (const start of a) expect(a.filter((x) => x >= start && x < start + WINDOW_MS).length).toBeLessThanOrEqual(MAX_PER_WINDOW);
    expect(Math.max(...b) - 1_000_000).toBeLessThanOrEqual(15_000);
    // Order within a robot is kept.
    expect(sends.filter((s) => s.target === "A").map((s) => s.text)).toEqual(Array.from({ length: 100 }, (_, i) => `消息 A ${i}`));
  });

  it("retries 500×3 then delivers once, with backoff gaps (R17)", async () => {
    respond = (_t, n) => (n <= 3 ? { ok: false, retryable: true, error: "HTTP 500" } : { ok: true });
    await enqueue("A", 1);
    await runUntil(now + 30 * 60_000);
    expect(sends).toHaveLength(4);
    const [row] = await t.db.select().from(outbox);
    expect(row).toMatchObject({ status: "sent", attempts: 4 });
    for (let i = 1; i < sends.length; i++) expect(sends[i].at - sends[i - 1].at).toBeGreaterThanOrEqual(1_000);
  });

  it("pauses the robot for 60 s on errcode 45009 or HTTP 429 (R17)", async () => {
    respond = (_t, n) => (n === 1 ? { ok: false, retryable: true, error: "errcode 45009", pauseMs: 60_000 } : { ok: true });
    await enqueue("A", 3);
    const start = now;
    await runUntil(now + 5 * 60_000);
    expect(sends).toHaveLength(4);
    expect(sends[1].at - start).toBeGreaterThanOrEqual(60_000);
  });

  it("sends a permanent error straight to the failed state with an audit row, and goes on with the next (R17)", async () => {
    respond = (_t, n) => (n === 1 ? { ok: false, retryable: false, error: "errcode 93000: invalid webhook url" } : { ok: true });
    await enqueue("A", 2);
    await runUntil(now + 5_000);
    const rows = await t.db.select().from(outbox);
    expect(rows.map((r) => r.status)).toEqual(["failed", "sent"]);
    expect(rows[0].attempts).toBe(1);
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.object, `outbox:${rows[0].id}`));
    expect(audits).toHaveLength(1);
  });

  it("gives up on endless 500 after 10 attempts, visibly (R17)", async () => {
    respond = () => ({ ok: false, retryable: true, error: "HTTP 500" });
    await enqueue("A", 1);
    await runUntil(now + 3 * 60 * 60_000, 5_000);
    expect(sends).toHaveLength(MAX_ATTEMPTS);
    const [row] = await t.db.select().from(outbox);
    expect(row.status).toBe("failed");
    expect(row.lastError).toBe("HTTP 500");
  });

  it("splits a long message into byte-safe chunks that each count against the budget (R19)", async () => {
    const long = Array.from({ length: 600 }, (_, i) => `第${i}行：荷花池街道 [详情](https://example.gov.cn/c/${i}) 😀`).join("\n");
    await enqueue("A", 1, now, () => long);
    await runUntil(now + 5 * 60_000);
    expect(sends.length).toBeGreaterThan(1);
    expect(sends.map((s) => s.text).join("")).toBe(long);
    for (const s of sends) expect(new TextEncoder().encode(s.text).byteLength).toBeLessThanOrEqual(LIMITS.markdown);
  });

  it("runs one pass for a burst of commands, and one more for those queued during it (R01)", async () => {
    let passes = 0;
    const counted = () => ({ ...deps(), clock: () => (passes++, now) }); // a pass reads the clock once, to pick what is due
    await enqueue("A", 1);
    const first = drainSoon(counted());
    const burst = Array.from({ length: 30 }, () => drainSoon(counted())); // 30 commands during the first pass
    await enqueue("B", 1); // queued while the pass runs: the pass after it must send it
    await Promise.all([first, ...burst]);
    expect(passes).toBe(2);
    expect(sends.map((x) => x.target).sort()).toEqual(["A", "B"]);
    await drainSoon(counted()); // idle again: a new request starts a new pass
    expect(passes).toBe(3);
  });
});

describe("the relay and neutral content (issue 15)", () => {
  beforeEach(() => {
    sends.length = 0;
    now = 1_000_000;
    respond = () => ({ ok: true });
  });

  it("keeps only the unsent chunks in the row after a failure and sends exactly those next time (R19)", async () => {
    const message = msg(title("长消息"), ...Array.from({ length: 400 }, (_, i) => line(`第${i}行：荷花池街道积水点位整改情况，责任单位已到场处置。`)));
    const chunks = renderWecomChunks({ message });
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    respond = (_t, n) => (n === 2 ? { ok: false, retryable: true, error: "HTTP 502" } : { ok: true });
    await commit(t.db, [insertOutbox(t.db, { key: "long-1", channel: "group", target: "wecom:A", payload: { message }, at: now })]);
    await drainOutbox(deps());
    const [mid] = await t.db.select().from(outbox);
    expect(mid.status).toBe("pending");
    expect((mid.payload as { chunks: unknown[] }).chunks).toEqual(chunks.slice(1)); // the failed one and those after it
    now = mid.nextAttemptAt;
    await runUntil(now + 60_000);
    expect(sends.map((x) => x.text)).toEqual([chunks[0], chunks[1], ...chunks.slice(1)].map((c) => c.markdown));
    expect((await t.db.select().from(outbox))[0].status).toBe("sent");
  });

  it("fails a row whose platform no channel serves, with an audit row, and never reports it sent", async () => {
    await commit(t.db, [
      insertOutbox(t.db, { key: "x-1", channel: "group", target: "feishu:oc_1", payload: { message: "你好" }, at: now }),
      insertOutbox(t.db, { key: "x-2", channel: "group", target: "wecom:A", payload: { message: "你好" }, at: now }),
    ]);
    const r = await drainOutbox({ ...deps(), deliver: channels({ wecom: wecomLike }) });
    expect(r).toMatchObject({ sent: 1, failed: 1 });
    const rows = await t.db.select().from(outbox).orderBy(outbox.id);
    expect(rows.map((x) => x.status)).toEqual(["failed", "sent"]);
    expect(rows[0].lastError).toContain("feishu");
    expect(sends.map((x) => x.target)).toEqual(["A"]); // the router hands the channel its own chat id
    expect(await t.db.select().from(auditLog).where(eq(auditLog.object, `outbox:${rows[0].id}`))).toHaveLength(1);
  });
});

describe("byte-safe splitting (R19)", () => {
  const piece = fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 40 }),
    fc.constantFrom("\n", "荷花池街道", "😀👍🏽", "<@zhangsan>", '<font color="warning">逾期</font>'),
    fc.webUrl().map((u) => `[链接](${u})`),
  );
  it.each([LIMITS.text, LIMITS.markdown])("never exceeds %i bytes, never cuts a code point or link, and loses nothing", (limit) => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 800 }), (parts) => {
        const text = parts.join("");
        const chunks = splitMessage(text, limit);
        expect(chunks.join("")).toBe(text);
        for (const c of chunks) {
          expect(new TextEncoder().encode(c).byteLength).toBeLessThanOrEqual(limit);
          expect(c).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
          expect((c.match(/\[链接\]\(/g) ?? []).length).toBe((c.match(/\[链接\]\([^)]*\)/g) ?? []).length);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe("the group-robot sender", () => {
  let server: Server;
  let base = "";
  let mode: "ok" | "hang" | "slow" | "45009" | "93000" | "429" | "500" = "ok";
  const got: unknown[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        got.push({ url: req.url, body: JSON.parse(body) });
        const reply = (code: number, json: object) => res.writeHead(code, { "content-type": "application/json" }).end(JSON.stringify(json));
        if (mode === "hang") return;
        if (mode === "slow") return void setTimeout(() => reply(200, { errcode: 0 }), 400);
        if (mode === "429") return reply(429, {});
        if (mode === "500") return reply(500, {});
        reply(200, mode === "ok" ? { errcode: 0, errmsg: "ok" } : { errcode: Number(mode), errmsg: "x" });
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it("posts markdown with inline <@userid> mentions to the configured host, key URL-encoded", async () => {
    mode = "ok";
    expect(await sendToRobot(base, "k/ey+1", { markdown: "**#12** 催办", mentions: ["zhangsan"] })).toEqual({ ok: true });
    expect(got.at(-1)).toEqual({ url: "/cgi-bin/webhook/send?key=k%2Fey%2B1", body: { msgtype: "markdown", markdown: { content: "**#12** 催办\n<@zhangsan>" } } });
    expect(robotBody({ text: "hi", mentions: ["a"] })).toEqual({ msgtype: "text", text: { content: "hi", mentioned_list: ["a"] } });
  });

  it.each([
    ["45009", { ok: false, retryable: true, pauseMs: 60_000 }],
    ["429", { ok: false, retryable: true, pauseMs: 60_000 }],
    ["500", { ok: false, retryable: true }],
    ["93000", { ok: false, retryable: false }],
  ] as const)("classifies %s", async (m, expected) => {
    mode = m;
    expect(await sendToRobot(base, "k", { markdown: "x" })).toMatchObject(expected);
  });

  it("aborts a hanging send at its timeout without waiting on it (R18)", async () => {
    mode = "hang";
    // The fake never answers: that the call returns at all (and retryably) is the abort. No elapsed-time assertion.
    const r = await sendToRobot(base, "k", { markdown: "x" }, fetch, 300);
    expect(r).toMatchObject({ ok: false, retryable: true });
  });

  it("uses the documented backoff bounds", () => {
    for (let a = 1; a <= 12; a++) {
      expect(backoffMs(a, () => 0)).toBe(1_000);
      expect(backoffMs(a, () => 0.999999)).toBeLessThanOrEqual(600_000);
    }
    expect(backoffMs(1, () => 0.999999)).toBeLessThan(5_000);
  });
});

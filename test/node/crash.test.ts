/**
 * Crash consistency (R27) and the outbox across a crash (R15): `duban serve` is killed with SIGKILL in the middle
 * of a command load, twice. Every acknowledged command survives, the file passes integrity_check, the audit chain
 * verifies, no outbox row lacks its case, and what was queued before the kill is delivered right after restart.
 * bench/crash.ts runs the full 20-cycle drill and records it in docs/performance.md.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config.js";
import { drainOutbox } from "../../src/delivery/relay.js";
import { buildNodeDeps } from "../../src/runtime/node.js";
import { handleMessage } from "../../src/bot/pipeline.js";
import { toPlain } from "../../src/domain/message.js";
import { commandTarget, deliveryCounts, inspect, load, sleep, startChild, type Child } from "../helpers/crash.js";

describe("kill -9 under load", () => {
  const dir = mkdtempSync(join(tmpdir(), "duban-crash-"));
  let child: Child | undefined;
  afterAll(async () => {
    child?.proc.kill("SIGKILL");
    await child?.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  it("loses no acknowledged command and leaves a consistent file, cycle after cycle", async () => {
    let total = 0;
    let target: Awaited<ReturnType<typeof commandTarget>> | undefined;
    for (let cycle = 0; cycle < 2; cycle++) {
      child = await startChild(dir);
      target ??= await commandTarget(child.url);
      const running = load(child.url, target, 400, 8); // 8 clients: their commands share group commits
      await sleep(400 + Math.random() * 600);
      child.proc.kill("SIGKILL");
      await child.exited;
      const acked = await running;
      expect(acked.length, "some commands were acknowledged before the kill").toBeGreaterThan(0);
      total += acked.length;
      const r = await inspect(dir, acked);
      expect(r.integrity).toBe("ok");
      expect(r.missing).toEqual([]);
      expect(r.withoutEvent).toBe(0);
      expect(r.orphanOutbox).toBe(0);
      expect(r.chain).toBe("ok");
    }
    expect(total).toBeGreaterThan(0);

    // R15 (a): a command committed, then the process dies before its messages are sent (the relay never runs).
    const env = { DATABASE_URL: `file:${join(dir, "crash.db")}`, FILES_DIR: join(dir, "files"), LOG_LEVEL: "error" };
    const dying = await buildNodeDeps(parseConfig(env));
    const t = target!;
    // The connection closes the moment the reply is back: the relay started after the commit finds it gone.
    const replies = await handleMessage({ ...dying.deps, waitUntil: (p) => void p.catch(() => {}) }, { channel: "sim", msgId: "r15-a", chatId: t.chatId, chatType: "group", senderId: t.userId, text: `交办 提交后即崩溃 某工地扬尘 给 ${t.units[0]} 限 3个工作日`, uploads: [] });
    expect(replies.map(toPlain).join("")).toContain("已交办");
    dying.store.close();
    const before = await deliveryCounts(dir);
    expect(before.queued).toBeGreaterThan(0);
    // … it goes out once the server is back, without waiting for a tick.
    child = await startChild(dir);
    // Wait until the restarted server has finished its sends, not merely claimed them: a row it has claimed is
    // 'sending' until the send returns, so "nothing queued" alone once counted 143 of 144 as sent.
    const settled = (c: typeof before) => c.queued === 0 && c.claimed <= before.claimed;
    let after = before;
    for (let i = 0; i < 200 && !settled((after = await deliveryCounts(dir))); i++) await sleep(100);
    expect(after.queued).toBe(0);
    expect(after.claimed).toBe(before.claimed); // only the killed sender's claims are left, until they lapse
    expect(after.sent).toBeGreaterThanOrEqual(before.sent + before.queued);
    // Rows a killed sender had claimed are sent again once the claim lapses (at most a minute): the next tick.
    child.proc.kill("SIGTERM");
    await child.exited;
    child = undefined;
    const { deps, store, idle } = await buildNodeDeps(parseConfig(env), { clock: () => Date.now() + 61_000 });
    await drainOutbox(deps, { now: deps.clock() });
    await idle();
    store.close();
    const final = await deliveryCounts(dir);
    expect({ queued: final.queued, claimed: final.claimed }).toEqual({ queued: 0, claimed: 0 });
    expect(final.resent).toBeLessThanOrEqual(before.claimed); // a second send only where the first may have happened
  }, 120_000);
});

/** R24: 1,000 open cases are worked through in bounded runs — processed + pending == total after every run, nothing doubled. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderWecomChunks } from "../../src/bot/wecom/render.js";
import { DEFAULT_POLICY } from "../../src/domain/policy.js";
import { U } from "../helpers/fixture.js";
import { caseNumbers, cst, insertCases, mentionsPerDay, schedBench, type Bench } from "../helpers/schedules.js";
import type { RunResult } from "../../src/schedules/run-due.js";

const TOTAL = 1000;
let b: Bench;
let runs: { r: RunResult; ms: number; done: number }[] = [];
let chatOf: Map<number, string>;

describe("1,000 overdue cases and a per-run budget", () => {
  beforeAll(async () => {
    b = await schedBench("2026-12-01 07:00");
    const due = cst("2026-11-27 23:59");
    const hh = await insertCases(b.db, 400, { leadUnitId: U.hehuachi, dueAt: due, officerUserId: "hh.officer" });
    const sm = await insertCases(b.db, 350, { leadUnitId: U.simaqiao, dueAt: due, state: "pending_ack", ackBy: due });
    const cg = await insertCases(b.db, 250, { leadUnitId: U.chengguan, dueAt: due });
    chatOf = new Map([...hh.map((id) => [id, "g-hh"] as const), ...sm.map((id) => [id, "g-sm"] as const), ...cg.map((id) => [id, "g-cg"] as const)]);
    await b.tick("2026-12-01 08:29"); // watermark
    for (let t = cst("2026-12-01 08:30"); runs.length < 20; t += 60_000) {
      const start = performance.now();
      const r = await b.tick(t);
      const ms = performance.now() - start;
      const done = new Set((await b.slots()).filter((s) => s.job === "overdue" && s.slot === "2026-12-01").map((s) => s.target.split("@")[0])).size;
      runs.push({ r, ms, done });
      if (r.pending === 0) break;
    }
  }, 120_000);
  afterAll(() => b.cleanup());

  it("does at most the policy's budget per run and finishes the rest on later runs", () => {
    const budget = DEFAULT_POLICY.runBudgetItems;
    expect(runs.length).toBe(Math.ceil(TOTAL / budget));
    for (const { r, done } of runs) {
      expect(r.processed).toBeLessThanOrEqual(budget);
      expect(done + r.pending).toBe(TOTAL);
    }
    expect(runs.at(-1)!.done).toBe(TOTAL);
    // Once finished, the morning pass is closed and the watermark moves on: the next minute has nothing to do.
    // Wall time is bench/schedules.ts's to measure (R24's 25 s); here only the bound on work per run is asserted.
    console.log(`run times for ${TOTAL} cases, budget ${budget}: ${runs.map((x) => `${x.ms.toFixed(0)} ms`).join(", ")}`);
  });

  it("names every case exactly once in its unit's group, one message per group per run, each within 4096 bytes", async () => {
    const msgs = await b.messages();
    const seen = new Map<number, number>();
    for (const m of msgs.filter((x) => x.chatId !== "g-command")) {
      for (const id of new Set(caseNumbers(m.markdown))) {
        expect(chatOf.get(id)).toBe(m.chatId);
        seen.set(id, (seen.get(id) ?? 0) + 1);
      }
    }
    expect(seen.size).toBe(TOTAL);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    const perRun = new Set(msgs.map((m) => `${m.chatId}@${m.at}`));
    expect(perRun.size).toBe(msgs.length);
    // As sent: the WeCom channel renders the neutral message with its mentions and splits it to its 4096-byte limit.
    for (const m of msgs) {
      const chunks = renderWecomChunks({ message: m.message, mentions: m.mentions });
      for (const c of chunks) expect(new TextEncoder().encode(String(c.markdown)).byteLength).toBeLessThanOrEqual(4096);
      expect(chunks.map((c) => String(c.markdown)).join("\n")).toContain(m.mentions.map((u) => `<@${u}>`).join(" "));
    }
    expect([...mentionsPerDay(msgs).values()].every((n) => n === 1)).toBe(true);
    const after = await b.tick(cst("2026-12-01 08:30") + runs.length * 60_000);
    expect([after.processed, after.pending, after.queued.length]).toEqual([0, 0, 0]);
  });
});

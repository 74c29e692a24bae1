/** Node's timer: croner every minute in BUSINESS_TIMEZONE, started by startNode and stopped by its close(). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scheduledJobs } from "croner";
import { afterEach, describe, expect, it } from "vitest";
import { leases } from "../../src/db/schema.js";
import { startNode } from "../../src/runtime/node.js";
import { startSchedules } from "../../src/schedules/cron-node.js";
import { silentLogger } from "../../src/log.js";
import { U } from "../helpers/fixture.js";
import { cst, insertCases, schedBench, type Bench } from "../helpers/schedules.js";

const job = () => scheduledJobs.find((j) => j.name === "duban-schedules");
let b: Bench | undefined;
afterEach(() => b?.cleanup());

describe("croner on Node", () => {
  it("fires runScheduled with the clock's instant, every minute, in the business time zone", async () => {
    b = await schedBench("2026-12-01 08:30");
    await insertCases(b.db, 1, { leadUnitId: U.hehuachi, dueAt: cst("2026-11-27 23:59") });
    const s = startSchedules(b.deps);
    try {
      const j = job()!;
      expect([j.getPattern(), j.isRunning()]).toEqual(["* * * * *", true]);
      const next = j.nextRun()!.getTime();
      expect(next % 60_000).toBe(0);
      expect(next - Date.now()).toBeLessThanOrEqual(60_000);
      await j.trigger(); // what the minute tick does
      const [l] = await b.db.select().from(leases);
      expect(l.watermark).toBe(cst("2026-12-01 08:30"));
      expect((await b.messages()).map((m) => m.chatId).sort()).toEqual(["g-command", "g-hh"]);
    } finally {
      await s.stop();
    }
    expect(job()).toBeUndefined();
  });

  it("is started by startNode and stopped by its close() (unless schedules: false)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "duban-cron-"));
    const env = (f: string) => ({ PORT: "0", DATABASE_URL: `file:${join(dir, f)}`, FILES_DIR: join(dir, "files"), LOG_LEVEL: "error", DEMO_SEED: "false" });
    try {
      const h = await startNode(env("a.db"), { log: silentLogger });
      expect(job()?.isRunning()).toBe(true);
      await h.close();
      expect(job()).toBeUndefined();
      const off = await startNode(env("b.db"), { log: silentLogger, schedules: false });
      expect(job()).toBeUndefined();
      await off.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

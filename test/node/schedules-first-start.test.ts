/** A calm first start (issue 11): the very first run after today's digest time sends no 补发 digest and no reports. */
import { afterEach, describe, expect, it } from "vitest";
import { auditLog } from "../../src/db/schema.js";
import { U } from "../helpers/fixture.js";
import { cst, insertCases, schedBench, type Bench } from "../helpers/schedules.js";

let b: Bench;
afterEach(() => b?.cleanup());

/** Monday 2026-11-30: a weekly report day, with overdue cases that a morning pass would report. */
async function district(): Promise<Bench> {
  b = await schedBench("2026-11-30 07:00");
  await insertCases(b.db, 2, { leadUnitId: U.hehuachi, dueAt: cst("2026-11-25 23:59") });
  return b;
}

describe("first start", () => {
  it("after the digest time: nothing is pushed, the morning is marked, and the next working day's digest is on time", async () => {
    await district();
    const first = await b.tick("2026-11-30 15:00");
    expect([first.status, first.morning, first.late, first.queued.length]).toEqual(["ran", false, undefined, 0]);
    expect(await b.messages()).toEqual([]);
    expect((await b.slots()).filter((s) => s.job === "morning").map((s) => [s.slot, s.target])).toEqual([["2026-11-30", "first_start"]]);
    expect((await b.db.select().from(auditLog)).some((a) => a.action === "schedule.first_start")).toBe(true);
    // Later the same day: still nothing (the morning is marked), and no 'missed morning' warning is recorded.
    expect((await b.tick("2026-11-30 16:00")).queued.length).toBe(0);
    expect((await b.db.select().from(auditLog)).some((a) => a.action === "schedule.skipped")).toBe(false);
    const next = await b.tick("2026-12-01 08:30");
    expect([next.morning, next.late]).toEqual([true, undefined]);
    const msgs = await b.messages();
    const digest = msgs.find((m) => m.chatId === "g-command");
    expect(digest?.markdown).toContain("每日通报");
    expect(msgs.some((m) => m.markdown.includes("补发"))).toBe(false);
  });

  it("in the evening: no missed-morning warning either", async () => {
    await district();
    await b.tick("2026-11-30 21:00");
    expect(await b.messages()).toEqual([]);
    expect((await b.slots()).filter((s) => s.job === "morning").map((s) => s.target)).toEqual(["first_start"]);
  });

  it("on time: the first run is an ordinary morning (a real install started before 08:45 gets its digest)", async () => {
    await district();
    const first = await b.tick("2026-11-30 08:31");
    expect([first.morning, first.late]).toEqual([true, undefined]);
    expect((await b.messages()).map((m) => m.chatId)).toContain("g-command");
  });

  it("a later gap is still made up with 补发 (R22): only the first run ever is calm", async () => {
    await district();
    await b.tick("2026-11-30 07:30");
    const r = await b.tick("2026-11-30 10:00");
    expect([r.morning, r.late]).toEqual([true, "08:30"]);
    expect((await b.messages()).every((m) => m.markdown.split("\n")[0].includes("补发"))).toBe(true);
  });
});

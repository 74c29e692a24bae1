/** Exactly once per slot (R21–R23, R25): duplicate and overlapping fires, a dead lease, skewed clocks and the CST midnight. */
import { eq, sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { leases, scheduleSlots } from "../../src/db/schema.js";
import { runDue } from "../../src/schedules/run-due.js";
import { LEASE } from "../../src/schedules/lease.js";
import { U } from "../helpers/fixture.js";
import { caseNumbers, cst, insertCases, mentionsPerDay, schedBench, type Bench } from "../helpers/schedules.js";

let b: Bench;
afterEach(() => b?.cleanup());

/** Two overdue cases in 荷花池, one in 驷马桥 (due 11-27, so 2 working days late on Tuesday 12-01). */
async function overdueDistrict(start = "2026-12-01 07:00"): Promise<Bench> {
  b = await schedBench(start);
  await insertCases(b.db, 2, { leadUnitId: U.hehuachi, dueAt: cst("2026-11-27 23:59"), officerUserId: "hh.officer" });
  await insertCases(b.db, 1, { leadUnitId: U.simaqiao, dueAt: cst("2026-11-27 23:59") });
  return b;
}

/** Every (chat, case) pair appears in exactly one message, and the slot rows say the same. */
async function expectEachOnce(ids: number[], chats: Record<number, string>) {
  const msgs = await b.messages();
  for (const id of ids) {
    const carrying = msgs.filter((m) => m.chatId === chats[id] && caseNumbers(m.markdown).includes(id));
    expect(carrying.length, `#${id} in ${chats[id]}`).toBe(1);
  }
  const overdueSlots = (await b.slots()).filter((s) => s.job === "overdue");
  expect(overdueSlots.length).toBe(new Set(overdueSlots.map((s) => `${s.slot}${s.target}`)).size);
}

describe("duplicate and overlapping fires", () => {
  it("fires twice with the same scheduledTime and once more 1 s later: one message per group, one reminder per case", async () => {
    await overdueDistrict();
    const first = await b.tick("2026-12-01 08:30");
    expect(first.queued.map((q) => q.chatId).sort()).toEqual(["g-command", "g-hh", "g-sm"]); // 城管局 has no cases: no slice
    expect(first.processed).toBe(3);
    const again = await b.tick("2026-12-01 08:30");
    const later = await b.tick(cst("2026-12-01 08:30") + 1000);
    expect([again.queued.length, later.queued.length, again.processed, later.processed]).toEqual([0, 0, 0, 0]);
    expect((await b.messages()).length).toBe(3);
    await expectEachOnce([1, 2, 3], { 1: "g-hh", 2: "g-hh", 3: "g-sm" });
  });

  it("runs five concurrent fires of the same instant: the lease lets one through, the others are busy", async () => {
    await overdueDistrict();
    b.clock.set(cst("2026-12-01 08:30"));
    const rs = await Promise.all(Array.from({ length: 5 }, () => runDue(b.deps, cst("2026-12-01 08:30"))));
    expect(rs.filter((r) => r.status === "ran" && r.queued.length > 0).length).toBe(1);
    expect(rs.every((r) => r.status === "busy" || r.status === "ran")).toBe(true);
    expect((await b.messages()).length).toBe(3);
    await expectEachOnce([1, 2, 3], { 1: "g-hh", 2: "g-hh", 3: "g-sm" });
  });

  it("still writes each slot once when the lease cannot help (a lease that lapses at once): the fence and the slot keys do", async () => {
    await overdueDistrict();
    await b.setPolicy("runLeaseSeconds", 0);
    b.clock.set(cst("2026-12-01 08:30"));
    const rs = await Promise.all(Array.from({ length: 5 }, () => runDue(b.deps, cst("2026-12-01 08:30"))));
    expect(rs.filter((r) => r.status === "ran" && r.queued.length > 0).length).toBe(1);
    expect(rs.filter((r) => r.status === "conflict").length).toBeGreaterThan(0);
    expect((await b.messages()).length).toBe(3);
    await expectEachOnce([1, 2, 3], { 1: "g-hh", 2: "g-hh", 3: "g-sm" });
    expect([...mentionsPerDay(await b.messages()).values()].every((n) => n === 1)).toBe(true);
  });

  it("waits for a live lease, and takes over a dead holder's lease once it lapses (within 2× the run budget)", async () => {
    await overdueDistrict();
    const at = cst("2026-12-01 08:30");
    b.clock.set(at);
    await b.db.insert(leases).values({ name: LEASE, holder: "crashed-worker", expiresAt: at + 60_000, watermark: cst("2026-12-01 08:00") });
    expect((await runDue(b.deps, at)).status).toBe("busy");
    b.clock.set(at + 59_000);
    expect((await runDue(b.deps, at + 59_000)).status).toBe("busy");
    b.clock.set(at + 60_000);
    const r = await runDue(b.deps, at + 60_000);
    expect([r.status, r.queued.length, r.late]).toEqual(["ran", 3, undefined]);
    const [l] = await b.db.select().from(leases).where(eq(leases.name, LEASE));
    expect(l.watermark).toBe(at + 60_000);
    expect(l.expiresAt).toBe(0); // released
  });
});

describe("missed runs (R22)", () => {
  it("after a 3-hour gap sends the morning digest once, labelled 补发, with every reminder that fell due in the gap", async () => {
    await overdueDistrict("2026-11-30 08:00");
    // A 紧急 case whose 2-hour ack limit (working hours) ends at 09:30 on 12-01, inside the gap.
    await insertCases(b.db, 1, { leadUnitId: U.simaqiao, dueAt: cst("2026-12-10 23:59"), state: "pending_ack", priority: "urgent", ackBy: cst("2026-12-01 09:30") });
    for (let t = cst("2026-12-01 06:00"); t <= cst("2026-12-01 07:00"); t += 60_000) await b.tick(t);
    expect((await b.messages()).length).toBe(0);
    const r = await b.tick("2026-12-01 10:00");
    expect([r.morning, r.late, r.processed, r.pending]).toEqual([true, "08:30", 4, 0]);
    const msgs = await b.messages();
    expect(msgs.map((m) => m.chatId).sort()).toEqual(["g-command", "g-hh", "g-sm"]);
    for (const m of msgs) expect(m.markdown.split("\n")[0]).toContain("补发，原定 08:30");
    expect(caseNumbers(msgs.find((m) => m.chatId === "g-sm")!.markdown)).toEqual(expect.arrayContaining([3, 4]));
    for (let t = cst("2026-12-01 10:01"); t <= cst("2026-12-01 10:05"); t += 60_000) expect((await b.tick(t)).queued.length).toBe(0);
    await expectEachOnce([1, 2, 3, 4], { 1: "g-hh", 2: "g-hh", 3: "g-sm", 4: "g-sm" });
  });

  it("records a whole missed morning as skipped (slot row + audit) instead of sending it a day late", async () => {
    await overdueDistrict("2026-11-30 07:00");
    await b.tick("2026-11-30 07:00");
    const r = await b.tick("2026-12-01 07:00"); // the Monday 08:30 run never happened
    expect(r.skippedDays).toEqual(["2026-11-30"]);
    expect((await b.messages()).length).toBe(0);
    const slots = await b.slots();
    expect(slots.filter((s) => s.job === "morning").map((s) => `${s.slot} ${s.target}`)).toEqual(["2026-11-30 skipped"]);
    const audit = await b.db.all<{ action: string; object: string }>(sql`select action, object from audit_log where action = 'schedule.skipped'`);
    expect(audit).toEqual([{ action: "schedule.skipped", object: "morning:2026-11-30" }]);
    const next = await b.tick("2026-12-01 08:30");
    expect([next.morning, next.late, next.skippedDays]).toEqual([true, undefined, []]);
    expect((await b.messages()).map((m) => m.day)).toEqual(["2026-12-01", "2026-12-01", "2026-12-01"]);
  });

  it("does not send a morning digest once quiet hours began; records it as skipped", async () => {
    await overdueDistrict("2026-12-01 07:00");
    await b.tick("2026-12-01 07:00");
    const r = await b.tick("2026-12-01 21:00");
    expect([r.morning, r.skippedDays, r.queued.length]).toEqual([false, ["2026-12-01"], 0]);
  });
});

describe("policy as data", () => {
  it("takes the morning time from the policy, and waits for quiet hours to end if they cover it", async () => {
    await overdueDistrict();
    await b.setPolicy("digestTime", "09:00");
    expect((await b.tick("2026-12-01 08:30")).queued.length).toBe(0);
    const r = await b.tick("2026-12-01 09:00");
    expect([r.morning, r.late, r.queued.length]).toEqual([true, undefined, 3]);
    await b.setPolicy("quietHours", { start: "20:00", end: "09:30" });
    expect((await b.tick("2026-12-02 09:00")).queued.length).toBe(0);
    expect((await b.tick("2026-12-02 09:15")).skippedDays).toEqual([]);
    const late = await b.tick("2026-12-02 09:30");
    expect([late.morning, late.late, late.queued.length]).toEqual([true, "09:00", 3]);
  });
});

describe("China time on UTC instants (R23) and clock skew (R25)", () => {
  it("puts 15:59:59Z and 16:00:00Z in different business days, at a month end and at the year end", async () => {
    b = await schedBench("2026-11-30 12:00");
    for (const [due, before, after, day] of [
      ["2026-11-30 23:59", "2026-11-30T15:59:59Z", "2026-11-30T16:00:00Z", "2026-12-01"],
      ["2026-12-31 23:59", "2026-12-31T15:59:59Z", "2026-12-31T16:00:00Z", "2027-01-01"],
    ]) {
      const [id] = await insertCases(b.db, 1, { leadUnitId: U.hehuachi, dueAt: cst(due) + 59_999, priority: "urgent" });
      await b.tick(Date.parse(before) - 60_000);
      expect((await b.tick(Date.parse(before))).processed).toBe(0); // 23:59:59 CST: not yet late
      const r = await b.tick(Date.parse(after));
      expect([r.today, r.processed]).toEqual([day, 1]);
      const rows = await b.db.select().from(scheduleSlots).where(eq(scheduleSlots.target, `#${id}@g-hh`));
      expect(rows.map((s) => `${s.job} ${s.slot}`)).toEqual([`overdue ${day}`]);
      await b.db.update(leases).set({ watermark: null }); // next scenario starts fresh
    }
  });

  it("never reminds a case twice in one slot when the clock jumps ±10 minutes between runs", async () => {
    await overdueDistrict();
    const at = cst("2026-12-01 08:30");
    const counts = [];
    for (const t of [at, at - 10 * 60_000, at + 10 * 60_000, at - 9 * 60_000, at + 60_000]) counts.push((await b.tick(t)).queued.length);
    expect(counts).toEqual([3, 0, 0, 0, 0]);
    const [l] = await b.db.select().from(leases);
    expect(l.watermark).toBe(at + 10 * 60_000); // never moves back
    await expectEachOnce([1, 2, 3], { 1: "g-hh", 2: "g-hh", 3: "g-sm" });
  });
});

/**
 * R40(c): complainant details are de-identified COMPLAINANT_RETENTION_DAYS after closure (here N = 180), by a
 * bounded nightly scheduler step with a fake clock; audit rows keep only case ids, and the dashboard then has
 * nothing left to reveal.
 */
import { asc, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAudit } from "../../src/db/audit-chain.js";
import { auditChain, auditLog, caseEvents, cases } from "../../src/db/schema.js";
import { commit, newToken, updateCase, VersionConflict } from "../../src/db/write.js";
import { deidentifyExpiredComplainants } from "../../src/schedules/retention.js";
import { runScheduled } from "../../src/schedules/run.js";
import { say } from "../helpers/fixture.js";
import { get, post, sessionFor, webApp } from "../helpers/web.js";

const DAY = 86_400_000;
const cst = (s: string) => Date.parse(`${s.replace(" ", "T")}:00+08:00`);
const NIGHT = cst("2026-12-03 02:30");
const PII = {
  old: "王小明 13812345678 金牛区某小区3栋",
  recent: "李晓红 13900001111",
  open: "赵大勇 13700002222",
  cancelled: "钱多多 110101199003071234",
  older: "孙一一 13600003333",
};
const PII_NEEDLES = ["王小明", "13812345678", "李晓红", "13900001111", "赵大勇", "13700002222", "钱多多", "110101199003071234", "孙一一", "13600003333"];

let w: Awaited<ReturnType<typeof webApp>>;
const id = { old: 0, recent: 0, open: 0, cancelled: 0, older: 0, blank: 0 };
const row = async (caseId: number) => (await w.db.select().from(cases).where(eq(cases.id, caseId)))[0];
const notes = (caseId: number) => w.db.select().from(caseEvents).where(eq(caseEvents.caseId, caseId)).then((es) => es.filter((e) => e.kind === "note"));
const deidentifyAudits = () => w.db.select().from(auditLog).where(eq(auditLog.action, "case.pii.deidentify")).orderBy(asc(auditLog.id));
const counts = async () => ({
  events: (await w.db.all<{ n: number }>(sql`select count(*) as n from case_events`))[0].n,
  audit: (await w.db.all<{ n: number }>(sql`select count(*) as n from audit_log`))[0].n,
  versions: (await w.db.select({ id: cases.id, v: cases.version }).from(cases).orderBy(asc(cases.id))).map((r) => `${r.id}:${r.v}`).join(","),
});
const run = (at: number, perRun?: number) => deidentifyExpiredComplainants(w.deps, at, perRun);

beforeAll(async () => {
  w = await webApp({ config: { complainantRetentionDays: 180 } });
  for (const k of Object.keys(id) as (keyof typeof id)[]) {
    id[k] = Number(/#(\d+)/.exec(await say(w.deps, "disp", "g-command", `交办 金牛大道某烧烤店油烟扰民（${k}） 给 荷花池街道 限 5个工作日`))![1]);
  }
  const closed = (daysAgo: number) => ({ state: "closed" as const, outcome: "closed" as const, closedAt: NIGHT - daysAgo * DAY, updatedAt: NIGHT - daysAgo * DAY });
  await w.db.update(cases).set({ ...closed(181), complainant: PII.old }).where(eq(cases.id, id.old));
  await w.db.update(cases).set({ ...closed(179), complainant: PII.recent }).where(eq(cases.id, id.recent));
  await w.db.update(cases).set({ complainant: PII.open, createdAt: NIGHT - 900 * DAY }).where(eq(cases.id, id.open)); // open for years
  await w.db.update(cases).set({ state: "cancelled", cancelReason: "重复交办", updatedAt: NIGHT - 200 * DAY, complainant: PII.cancelled }).where(eq(cases.id, id.cancelled));
  await w.db.update(cases).set({ ...closed(400), complainant: PII.older }).where(eq(cases.id, id.older));
  await w.db.update(cases).set({ ...closed(400), complainant: null }).where(eq(cases.id, id.blank)); // nothing to remove
});
afterAll(() => w.store.cleanup());

describe("complainant retention (R40(c))", () => {
  it("reads N from COMPLAINANT_RETENTION_DAYS", () => {
    expect(w.deps.config.complainantRetentionDays).toBe(180);
  });

  it("does nothing outside the night window", async () => {
    const before = await counts();
    expect(await run(cst("2026-12-03 10:00"))).toEqual({ deidentified: 0, finished: false });
    expect(await counts()).toEqual(before);
  });

  it("de-identifies cases closed or cancelled more than N days ago, bounded per tick; never the recent or open ones", async () => {
    const before = { old: await row(id.old), cancelled: await row(id.cancelled), older: await row(id.older) };
    // Bounded: one case per tick, the pass finishes on the tick that finds fewer than the bound.
    expect(await run(NIGHT, 1)).toEqual({ deidentified: 1, finished: false });
    expect(await run(NIGHT + 60_000, 1)).toEqual({ deidentified: 1, finished: false });
    expect(await run(NIGHT + 120_000, 1)).toEqual({ deidentified: 1, finished: false });
    expect(await run(NIGHT + 180_000, 1)).toEqual({ deidentified: 0, finished: true });

    for (const k of ["old", "cancelled", "older"] as const) {
      const r = await row(id[k]);
      expect(r.complainant, k).toBeNull();
      expect(r.version, k).toBe(before[k].version + 1);
      expect(r.writeToken, k).not.toBe(before[k].writeToken);
      expect(r.state, k).toBe(before[k].state); // nothing else changes
      expect(r.content, k).toBe(before[k].content);
    }
    expect((await row(id.recent)).complainant).toBe(PII.recent); // closed 179 days ago: one more day to go
    expect((await row(id.open)).complainant).toBe(PII.open); // open cases never
    expect((await row(id.blank)).version).toBe(1); // nothing to de-identify: untouched, no event

    // One neutral timeline note per case, by the system.
    for (const k of ["old", "cancelled", "older"] as const) {
      const [n, ...more] = await notes(id[k]);
      expect(more).toEqual([]);
      expect(n).toMatchObject({ actorUserId: "system", at: NIGHT + { old: 0, cancelled: 60_000, older: 120_000 }[k] }); // in id order
      expect(n.text).toContain("已脱敏");
      expect(n.data).toEqual({ deidentified: ["complainant"], retentionDays: 180 });
    }
    expect(await notes(id.blank)).toEqual([]);
    expect(await notes(id.recent)).toEqual([]);
  });

  it("writes audit rows that name only the case", async () => {
    const rows = await deidentifyAudits();
    expect(rows.map((r) => r.object).sort()).toEqual([`case:${id.old}`, `case:${id.cancelled}`, `case:${id.older}`].sort());
    for (const r of rows) expect(r).toMatchObject({ actor: "system", result: "ok", source: "schedule", detail: { deidentified: ["complainant"], retentionDays: 180 } });
    // No complainant text anywhere in the audit log or the timeline.
    const audit = JSON.stringify(await w.db.select().from(auditLog));
    const events = JSON.stringify(await w.db.select().from(caseEvents));
    for (const needle of PII_NEEDLES) {
      expect(audit).not.toContain(needle);
      expect(events).not.toContain(needle);
    }
  });

  it("is a no-op when run again, the same night or any later night", async () => {
    const before = await counts();
    expect(await run(NIGHT + 240_000)).toEqual({ deidentified: 0, finished: false }); // pass already done tonight
    expect(await run(NIGHT + DAY / 2 - 60_000)).toEqual({ deidentified: 0, finished: false }); // still outside the window
    // The next night at 02:00: the 179-day case is 23.5 hours short of 180 days, so nothing new is due.
    expect(await run(NIGHT + DAY - 30 * 60_000)).toEqual({ deidentified: 0, finished: true });
    expect(await counts()).toEqual(before);
  });

  it("makes a command prepared against the old version fail its guard, like any concurrent change", async () => {
    const r = await row(id.recent);
    // The 179-day case is due from 180 days on (here the night after next); a write prepared before must not go through.
    const stale = updateCase(w.db, r.id, r.version, { callbackNote: "已回访" }, newToken(), NIGHT + 2 * DAY);
    expect(await run(NIGHT + 2 * DAY)).toEqual({ deidentified: 1, finished: true });
    await expect(commit(w.db, stale)).rejects.toBeInstanceOf(VersionConflict);
    expect((await row(id.recent)).complainant).toBeNull();
    expect((await row(id.open)).complainant).toBe(PII.open);
  });

  it("rides on the scheduler tick, and its audit rows are sealed in the same tick", async () => {
    const fresh = Number(/#(\d+)/.exec(await say(w.deps, "disp", "g-command", "交办 驷马桥路某工地夜间施工噪声 给 驷马桥街道 限 5个工作日"))![1]);
    const at = cst("2026-12-10 03:00");
    await w.db.update(cases).set({ state: "closed", closedAt: at - 181 * DAY, complainant: "周某 13500004444" }).where(eq(cases.id, fresh));
    await runScheduled(w.deps, at);
    expect((await row(fresh)).complainant).toBeNull();
    const [a] = (await deidentifyAudits()).filter((r) => r.object === `case:${fresh}`);
    expect(a).toBeDefined();
    expect(await w.db.select().from(auditChain).where(inArray(auditChain.id, [a.id]))).toHaveLength(1);
    expect(await verifyAudit(w.db)).toMatchObject({ ok: true });
  });

  it("leaves nothing to reveal on the case page", async () => {
    const d = await sessionFor(w.db, "disp", w.clock());
    const page = await (await get(w.app, `/dashboard/cases/${id.old}`, d.cookie)).text();
    expect(page).toContain("举报人信息");
    expect(page).not.toContain("查看举报人信息"); // no reveal form
    expect(page).not.toContain("（已隐藏）");
    expect(page).toContain("已脱敏"); // the timeline says why
    const shown = await (await post(w.app, `/dashboard/cases/${id.old}/pii`, { _csrf: d.csrf, reason: "核实举报人回访情况" }, { cookie: d.cookie })).text();
    expect(shown).toContain('<strong class="pii">—</strong>');
    for (const needle of PII_NEEDLES) {
      expect(page).not.toContain(needle);
      expect(shown).not.toContain(needle);
    }
    // A case still within its period keeps the audited reveal.
    const open = await (await get(w.app, `/dashboard/cases/${id.open}`, d.cookie)).text();
    expect(open).toContain("查看举报人信息");
  });
});

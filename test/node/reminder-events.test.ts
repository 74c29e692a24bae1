/**
 * Timeline hygiene (issue 10 item 6): scheduled reminders leave one Chinese line per case per business day, folded
 * away on the case page, left out of 查 #N's 最近动态 and out of the dossier's main timeline.
 */
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { caseEvents, cases } from "../../src/db/schema.js";
import { commit } from "../../src/db/write.js";
import { startOfDate } from "../../src/schedules/business-time.js";
import { insertReminderEvents } from "../../src/schedules/ledger.js";
import { say, U } from "../helpers/fixture.js";
import { cst, insertCases, schedBench, type Bench } from "../helpers/schedules.js";
import { get, ORIGIN, sessionFor } from "../helpers/web.js";

let b: Bench;
let overdue: number; // overdue and 挂牌: two jobs, one line
let plain: number;
const reminders = (id: number) => b.db.select().from(caseEvents).where(and(eq(caseEvents.caseId, id), eq(caseEvents.kind, "reminder"))).orderBy(asc(caseEvents.id));

beforeAll(async () => {
  b = await schedBench("2026-12-01 07:00");
  [overdue] = await insertCases(b.db, 1, { leadUnitId: U.hehuachi, dueAt: cst("2026-11-27 23:59"), officerUserId: "hh.officer", flagged: true, title: "荷花池某餐馆油烟" });
  [plain] = await insertCases(b.db, 1, { leadUnitId: U.simaqiao, dueAt: cst("2026-11-27 23:59"), title: "驷马桥某工地噪声" });
  await b.db.update(cases).set({ writeToken: "t-overdue", version: 1 }).where(eq(cases.id, overdue));
});
afterAll(() => b.cleanup());

describe("scheduled reminders on the timeline", () => {
  it("writes one Chinese line per case for the morning run, naming every job that reminded it", async () => {
    const r = await b.tick("2026-12-01 08:30");
    expect(r.processed).toBeGreaterThanOrEqual(3); // overdue ×2 + 挂牌
    const [one, ...more] = await reminders(overdue);
    expect(more).toEqual([]);
    expect(one.text).toBe("系统提醒：逾期、挂牌督办");
    expect(one.text).not.toMatch(/[a-z]/);
    expect((one.data as { jobs: string[] }).jobs.sort()).toEqual(["flagged", "overdue"]);
    expect((await reminders(plain)).map((e) => e.text)).toEqual(["系统提醒：逾期"]);
  });

  it("adds no second line the same business day, and one on the next", async () => {
    const item = { job: "overdue" as const, slot: "2026-12-01", caseId: overdue, urgent: true, deliveries: [] };
    await commit(b.db, insertReminderEvents(b.db, [item], cst("2026-12-01 15:00"), startOfDate("2026-12-01", "Asia/Shanghai")));
    expect(await reminders(overdue)).toHaveLength(1);
    await b.tick("2026-12-02 08:30");
    const rows = await reminders(overdue);
    expect(rows).toHaveLength(2);
    expect(rows[1].at).toBe(cst("2026-12-02 08:30"));
  });

  it("leaves reminders out of 查 #N's 最近动态, folds them on the case page and leaves them out of the dossier's timeline", async () => {
    for (let i = 0; i < 6; i++) await say(b.deps, "hh.officer", "g-hh", `进展 #${overdue} 第${i + 1}次进展`);
    await b.tick("2026-12-03 08:30");
    const q = await say(b.deps, "disp", "g-command", `查 #${overdue}`);
    expect(q).toContain("第6次进展");
    expect(q).not.toContain("提醒");
    expect(q).not.toContain("system");

    const app = createApp(b.deps);
    const s = await sessionFor(b.db, "disp", b.clock());
    const page = await (await app.request(`${ORIGIN}/dashboard/cases/${overdue}`, { headers: { cookie: s.cookie } })).text();
    const main = page.slice(page.indexOf('id="timeline"'), page.indexOf("</ol>", page.indexOf('id="timeline"')));
    expect(main).not.toContain('data-kind="reminder"');
    expect(page).toMatch(/<details class="reminders small" id="reminders"><summary>系统自动提醒 3 条<\/summary>/);
    expect(page).toContain("系统提醒：逾期、挂牌督办");
    expect(page).not.toContain(">overdue<");

    const dossier = await (await get(app, `/dashboard/cases/${overdue}/dossier`, s.cookie)).text();
    expect(dossier).not.toContain('data-kind="reminder"');
    expect(dossier).toContain("另有系统自动提醒 3 条");
  });
});

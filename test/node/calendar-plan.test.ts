/**
 * A missing holiday plan (issue 14 item 6): /healthz and the banner say so, an admin pastes the State Council's
 * notice (preview, then save with its audit row), deadlines counted in working days are recomputed and the unit
 * told; the command group hears about it once in December.
 */
import { renderWecom } from "../../src/bot/wecom/render.js";
import type { Content } from "../../src/domain/message.js";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startNode } from "../../src/runtime/node.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, like } from "drizzle-orm";
import { auditLog, calendarDays, caseEvents, cases, outbox } from "../../src/db/schema.js";
import { loadCalendar } from "../../src/db/calendar-seed.js";
import type { Calendar } from "../../src/domain/calendar.js";
import { calendarAtStart, missingPlanText } from "../../src/schedules/calendar-plan.js";
import { installedPackageCalendar, seedInstalledCalendar } from "../../src/db/calendar-package-node.js";
import { parseHolidayNotice } from "../../src/domain/holiday-notice.js";
import type { Deps } from "../../src/deps.js";
import { say, U } from "../helpers/fixture.js";
import { cst, insertCases, schedBench, TZ, type Bench } from "../helpers/schedules.js";
import { get, post, sessionFor, webApp } from "../helpers/web.js";

const NOTICE_2027 = readFileSync(new URL("../fixtures/notices/2027.txt", import.meta.url), "utf8");
const eod = (ymd: string) => Date.parse(`${ymd}T15:59:59.999Z`); // 23:59:59.999 in Shanghai

let w: Awaited<ReturnType<typeof webApp>>;
const session = async (userId: string) => sessionFor(w.db, userId, w.clock());

beforeAll(async () => {
  w = await webApp();
  // The runtime's cache: saving the notice drops it, the next read sees the new rows.
  let cached: Promise<Calendar> | undefined;
  w.deps.calendar = () => (cached ??= loadCalendar(w.db, w.deps.config.timezone));
  w.deps.invalidateCalendar = () => void (cached = undefined);
});
afterAll(() => w.store.cleanup());

describe("while 2027 is missing (today 2026-12-24)", () => {
  let working: number, byDefault: number, typedDate: number, imported: number;
  beforeAll(async () => {
    w.clock.set(cst("2026-12-24 10:00"));
    const id = (reply: string) => Number(/#(\d+)/.exec(reply)![1]);
    working = id(await say(w.deps, "disp", "g-command", "交办 荷花池北街餐馆油烟直排 给 荷花池街道 限 10个工作日"));
    byDefault = id(await say(w.deps, "disp", "g-command", "交办 驷马桥路工地夜间施工噪声 给 驷马桥街道"));
    typedDate = id(await say(w.deps, "disp", "g-command", "交办 荷花池南街扬尘 给 荷花池街道 限 1月15日"));
    [imported] = await insertCases(w.db, 1, { leadUnitId: U.hehuachi, dueAt: eod("2027-01-20"), title: "导入的案件" });
  });

  it("counts 2027-01-01 as a working day until the plan is loaded: 10 working days from 12-24 end on 01-07", async () => {
    const [c] = await w.db.select().from(cases).where(eq(cases.id, working));
    expect(c.dueAt).toBe(eod("2027-01-07"));
  });

  it("says so in /healthz, from the cached calendar", async () => {
    const body = await (await w.app.request("/healthz")).json();
    expect(body).toMatchObject({ ok: true, calendar: { missingYear: 2027 } });
  });

  it("shows the banner to admins (with the link) and dispatchers on every page, not to others", async () => {
    const admin = await session("admin");
    const adminPage = await (await get(w.app, "/admin/units", admin.cookie)).text();
    expect(adminPage).toContain("2027 年的法定节假日安排尚未收录");
    expect(adminPage).toContain('href="/admin/calendar?year=2027"');
    const disp = await (await get(w.app, "/dashboard/cases", (await session("disp")).cookie)).text();
    expect(disp).toContain("2027 年的法定节假日安排尚未收录");
    expect(disp).not.toContain('href="/admin/calendar?year=2027"');
    const leader = await (await get(w.app, "/dashboard/cases", (await session("lead")).cookie)).text();
    expect(leader).not.toContain("法定节假日安排尚未收录");
  });

  it("previews a pasted notice without saving anything, and refuses a wrong one in Chinese", async () => {
    const s = await session("admin");
    const res = await post(w.app, "/admin/calendar/notice/preview", { _csrf: s.csrf, notice: NOTICE_2027, year: "2027" }, { cookie: s.cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("2027-02-06 至 2027-02-13，共 8 天");
    expect(html).toContain("2027-04-25（周日）、2027-05-08（周六）");
    expect(html).toContain("确认保存 2027 年安排");
    expect(await w.db.select().from(calendarDays).where(like(calendarDays.date, "2027-%"))).toEqual([]);
    const bad = await post(w.app, "/admin/calendar/notice/preview", { _csrf: s.csrf, notice: NOTICE_2027.replace("共8天", "共9天"), year: "2027" }, { cookie: s.cookie });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("春节：日期范围是 8 天，通知写的是共 9 天。");
  });

  it("saves the notice with its audit row, recomputes working-day deadlines and tells each unit once", async () => {
    const s = await session("admin");
    const before = await w.db.select().from(cases);
    const res = await post(w.app, "/admin/calendar/notice", { _csrf: s.csrf, notice: NOTICE_2027, year: "2027" }, { cookie: s.cookie });
    expect(res.status).toBe(200);
    const html = await res.text();
    const days = await w.db.select().from(calendarDays).where(like(calendarDays.date, "2027-%"));
    expect(days).toHaveLength(33);
    expect(days.every((d) => d.source === "admin")).toBe(true);
    const [audit] = await w.db.select().from(auditLog).where(eq(auditLog.action, "admin.calendar.notice"));
    expect(audit).toMatchObject({ actor: "admin", object: "calendar:2027", result: "ok" });

    const due = async (id: number) => (await w.db.select({ d: cases.dueAt }).from(cases).where(eq(cases.id, id)))[0].d;
    expect(await due(working)).toBe(eod("2027-01-08")); // 01-01 is a holiday now
    expect(await due(byDefault)).not.toBe(before.find((c) => c.id === byDefault)!.dueAt); // the default 15 working days moved too
    expect(await due(typedDate)).toBe(before.find((c) => c.id === typedDate)!.dueAt); // a typed date is a date
    expect(await due(imported)).toBe(eod("2027-01-20")); // no recorded count: listed, not guessed
    expect(html).toContain(`#${imported}`);
    expect(html).toContain("请调度员逐件核对");

    const [ev] = await w.db.select().from(caseEvents).where(and(eq(caseEvents.caseId, working), eq(caseEvents.kind, "note")));
    expect(ev.text).toContain("重算为 1月8日");
    expect(await w.db.select().from(auditLog).where(eq(auditLog.action, "case.due.recompute"))).toHaveLength(2);
    // Neutral payloads (issue 15), read as WeCom would show them.
    const md = (p: { message?: Content; markdown?: string }) => (p.message !== undefined ? renderWecom(p.message) : p.markdown!);
    const told = (await w.db.select().from(outbox).where(like(outbox.idempotencyKey, "calendar:2027:due:%"))).map((o) => ({ target: o.target, md: md(o.payload as { message?: Content }) }));
    expect(told.map((t) => t.target).sort()).toEqual(["wecom:g-hh", "wecom:g-sm"]);
    const hh = told.find((t) => t.target === "wecom:g-hh")!.md;
    expect(hh).toContain(`**#${working}**`);
    expect(hh).toContain("1月7日(周四) → **1月8日(周五)**");
    expect(hh).not.toContain(`#${typedDate}`);
  });

  it("stops warning once the plan is in", async () => {
    expect(await (await w.app.request("/healthz")).json()).not.toHaveProperty("calendar");
    const page = await (await get(w.app, "/admin/units", (await session("admin")).cookie)).text();
    expect(page).not.toContain("法定节假日安排尚未收录");
  });
});

describe("the December message to the command group", () => {
  let b: Bench;
  afterAll(() => b?.cleanup());
  const told = async () => (await b.messages()).filter((m) => m.markdown.includes("**节假日安排提醒**"));

  it("is not sent in November, is sent on the first December morning, and never again", async () => {
    b = await schedBench("2026-11-30 07:00");
    await b.tick("2026-11-30 08:30");
    expect(await told()).toEqual([]);
    await b.tick("2026-12-01 08:30");
    const [m, ...more] = await told();
    expect(more).toEqual([]);
    expect(m.chatId).toBe("g-command");
    expect(m.markdown).toContain(missingPlanText(2027).split("\n")[1]);
    // The later mornings run as usual (a second slot row would fail the whole run's batch, digest and all).
    expect((await b.tick("2026-12-02 08:30")).status).toBe("ran");
    expect((await b.tick("2026-12-03 08:30")).status).toBe("ran");
    expect(await told()).toHaveLength(1);
    expect((await b.slots()).filter((s) => s.job === "calendar_plan")).toEqual([expect.objectContaining({ slot: "2027", target: "g-command" })]);
  });
});

describe("at start: a newer chinese-days and the log line", () => {
  it("loads the years a newer package brings, recomputes the deadlines they change, and warns while one is missing", async () => {
    const w2 = await webApp();
    try {
      let cached: Promise<Calendar> | undefined;
      w2.deps.calendar = () => (cached ??= loadCalendar(w2.db, w2.deps.config.timezone));
      const lines: { level: string; msg: string; fields?: Record<string, unknown> }[] = [];
      const log = Object.fromEntries(["debug", "info", "warn", "error"].map((level) => [level, (msg: string, fields?: Record<string, unknown>) => void lines.push({ level, msg, fields })])) as Deps["log"];
      w2.deps.log = log;
      w2.clock.set(cst("2026-12-24 10:00"));
      const id = Number(/#(\d+)/.exec(await say(w2.deps, "disp", "g-command", "交办 荷花池北街餐馆油烟直排 给 荷花池街道 限 10个工作日"))![1]);

      // The installed package as today: nothing new, and the start says 2027 is missing, in Chinese and English.
      await calendarAtStart(w2.deps, await seedInstalledCalendar(w2.db, TZ));
      const warn = lines.find((l) => l.level === "warn");
      expect(warn?.msg).toMatch(/2027 年法定节假日安排未收录.*the official holiday plan for 2027 is not loaded/);
      expect(warn?.fields).toEqual({ year: 2027 });

      // A newer package (its data as chinese-days lists it) with 2027: loaded at the next start, deadline recomputed.
      const newer = [...installedPackageCalendar(), ...parsed2027()];
      const from = await seedInstalledCalendar(w2.db, TZ, newer);
      expect(from).toBe("2027-01-01");
      cached = undefined;
      lines.length = 0;
      await calendarAtStart(w2.deps, from);
      expect((await w2.db.select({ d: cases.dueAt }).from(cases).where(eq(cases.id, id)))[0].d).toBe(eod("2027-01-08"));
      expect(lines.filter((l) => l.level === "warn")).toEqual([]);
      expect(lines.find((l) => l.level === "info")?.fields).toMatchObject({ from: "2027-01-01", changed: 1 });
      const rows = await w2.db.select().from(calendarDays).where(like(calendarDays.date, "2027-%"));
      expect(rows.every((r) => r.source === "package")).toBe(true);
      expect(await seedInstalledCalendar(w2.db, TZ, newer)).toBeUndefined(); // the start after: nothing new
    } finally {
      await w2.store.cleanup();
    }
  });
});

describe("the server start", () => {
  it("logs the missing year once, in Chinese and English, and not on the server that has it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "duban-calstart-"));
    const lines: { level: string; msg: string }[] = [];
    const log = Object.fromEntries(["debug", "info", "warn", "error"].map((level) => [level, (msg: string) => void lines.push({ level, msg })])) as Deps["log"];
    const env = { PORT: "0", HOST: "127.0.0.1", DATABASE_URL: `file:${join(dir, "d.db")}`, FILES_DIR: join(dir, "files"), DEMO_SEED: "false", LOG_LEVEL: "warn" };
    try {
      const h = await startNode(env, { clock: () => cst("2026-12-02 09:00"), log, schedules: false });
      await h.close();
      expect(lines.filter((l) => l.msg.includes("2027 年法定节假日安排未收录") && l.msg.includes("holiday plan for 2027 is not loaded"))).toHaveLength(1);
      lines.length = 0;
      const june = await startNode(env, { clock: () => cst("2026-06-02 09:00"), log, schedules: false });
      await june.close();
      expect(lines.filter((l) => l.msg.includes("节假日安排未收录"))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

function parsed2027() {
  const r = parseHolidayNotice(NOTICE_2027);
  if (!r.ok) throw new Error(r.errors.join());
  return r.notice.rows;
}

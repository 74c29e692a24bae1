/**
 * The data pages through the whole app (sessions, CSRF, roles): ledger filters, search and paging, scope and
 * IDOR, the case page's actions going through the chat use cases (with audit rows), 总览 and 单位排名.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog, caseEvents, cases, outbox } from "../../src/db/schema.js";
import { seedDemo } from "../../src/db/seed-demo.js";
import { statsByUnit, statsByUnitAsOf } from "../../src/db/stats.js";
import { tempDb } from "../helpers/db.js";
import { PNG, say } from "../helpers/fixture.js";
import { get, post, sessionFor, webApp } from "../helpers/web.js";

const CLOSE_ALL = "核查：属实，经现场核实该店未安装油烟净化设施\n整改：已安装油烟净化器并投入使用\n分类：限期整改\n责任：约谈店主张某，责令整改\n回访：满意";

let w: Awaited<ReturnType<typeof webApp>>;
const ids = { a: 0, b: 0, c: 0 };
const idOf = (reply: string) => Number(/#(\d+)/.exec(reply)![1]);
const html = async (r: Response) => r.text();
const session = (userId: string) => sessionFor(w.db, userId, w.clock());
const stateOf = async (id: number) => (await w.db.select({ s: cases.state }).from(cases).where(eq(cases.id, id)))[0].s;

beforeAll(async () => {
  w = await webApp();
  ids.a = idOf(await say(w.deps, "disp", "g-command", "交办 金牛大道某烧烤店油烟扰民 给 荷花池街道 限 12月25日"));
  ids.b = idOf(await say(w.deps, "disp", "g-command", "交办 驷马桥路某工地夜间施工噪声扰民 给 驷马桥街道 限 12月28日"));
  ids.c = idOf(await say(w.deps, "disp", "g-command", "交办 荷花池北街某餐馆油烟直排 给 荷花池街道 限 12月30日"));
  await say(w.deps, "lead", "g-command", `挂牌 #${ids.b}`);
  await say(w.deps, "hh.officer", "g-hh", `签收 #${ids.c}`);
  expect(await say(w.deps, "hh.officer", "g-hh", `办结 #${ids.c}\n${CLOSE_ALL}`, { images: [PNG] })).toContain("已提交");
  for (let i = 1; i <= 22; i++) await say(w.deps, "disp", "g-command", `交办 第${i}号排口污水外溢 给 区城管局 限 5个工作日`);
  await w.db.update(cases).set({ pollutionTypes: ["土壤"], complainant: "王小明 13812345678" }).where(eq(cases.id, ids.a));
});
afterAll(() => w.store.cleanup());

describe("台账", () => {
  it("lists every case for the office, 挂牌 first, 20 per page with a pager", async () => {
    const s = await session("disp");
    const page1 = await html(await get(w.app, "/dashboard/cases", s.cookie));
    expect(page1).toContain("共 <strong>25</strong> 件");
    const rows = [...page1.matchAll(/data-case="(\d+)"/g)].map((m) => Number(m[1]));
    expect(rows).toHaveLength(20);
    expect(rows[0]).toBe(ids.b);
    const page2 = await html(await get(w.app, "/dashboard/cases?page=2", s.cookie));
    expect([...page2.matchAll(/data-case="(\d+)"/g)]).toHaveLength(5);
    expect(page2).toContain("第 2/2 页");
  });

  it("filters by unit, state, type and 挂牌, and searches content and 受理编号", async () => {
    const s = await session("lead");
    const ids_ = async (q: string) => [...(await html(await get(w.app, `/dashboard/cases?${q}`, s.cookie))).matchAll(/data-case="(\d+)"/g)].map((m) => Number(m[1]));
    expect(await ids_("unit=2")).toEqual([ids.b]);
    expect(await ids_("state=pending_review")).toEqual([ids.c]);
    expect(await ids_("flagged=1")).toEqual([ids.b]);
    expect(await ids_(`type=${encodeURIComponent("土壤")}`)).toEqual([ids.a]); // 交办 infers 水 for the 污水 cases, 大气 for 油烟
    expect(await ids_(`type=${encodeURIComponent("水")}`)).toHaveLength(20); // the first page of the 22
    expect(await ids_(`q=${encodeURIComponent("烧烤")}`)).toEqual([ids.a]);
    expect(await ids_(`q=${encodeURIComponent("油烟")}&unit=1`)).toEqual([ids.c, ids.a]);
    expect(await ids_("q=%25")).toEqual([]); // LIKE wildcards are searched literally
    const bad = await get(w.app, "/dashboard/cases?state=nope", s.cookie);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("状态无效");
  });

  it("shows a unit only its own cases, and another unit's case as not found (IDOR)", async () => {
    const s = await session("hh.officer");
    const page = await html(await get(w.app, "/dashboard/cases", s.cookie));
    expect([...page.matchAll(/data-case="(\d+)"/g)].map((m) => Number(m[1])).sort()).toEqual([ids.a, ids.c].sort());
    for (const path of [`/dashboard/cases/${ids.b}`, `/dashboard/cases/${ids.b}/dossier`, "/dashboard/cases/999999"]) {
      const res = await get(w.app, path, s.cookie);
      expect(res.status, path).toBe(404);
    }
    expect((await get(w.app, `/dashboard/cases/${ids.a}`, s.cookie)).status).toBe(200);
    const denied = await post(w.app, `/dashboard/cases/${ids.b}/act`, { _csrf: s.csrf, action: "chase" }, { cookie: s.cookie });
    expect(denied.status).toBe(403);
  });

  it("keeps the auditor and strangers out", async () => {
    const s = await session("audit");
    expect((await get(w.app, "/dashboard/cases", s.cookie)).status).toBe(403);
    expect((await get(w.app, "/dashboard", s.cookie)).status).toBe(403);
    const anon = await get(w.app, "/dashboard/cases");
    expect(anon.status).toBe(302);
    expect(anon.headers.get("location")).toContain("/login");
  });
});

describe("the case page", () => {
  it("shows the fields, the 四不放过 checklist, the after photo and the timeline", async () => {
    const s = await session("lead");
    const page = await html(await get(w.app, `/dashboard/cases/${ids.c}`, s.cookie));
    expect(page).toContain("荷花池北街某餐馆油烟直排");
    expect(page).toMatch(/data-item="查清"[^>]*>\s*<strong>✔/);
    expect(page).toContain('data-phase="整改后"');
    expect(page).toContain("申请办结");
    expect(page).toContain('value="approve_closure"');
    const file = /\/dashboard\/files\/(\d+)/.exec(page)![1];
    const img = await get(w.app, `/dashboard/files/${file}`, s.cookie);
    expect(img.status).toBe(200);
    expect(img.headers.get("content-type")).toBe("image/png");
    expect(img.headers.get("x-content-type-options")).toBe("nosniff");
    expect(img.headers.get("content-security-policy")).toContain("sandbox");
    expect((await get(w.app, `/dashboard/files/${file}`, (await session("sm.officer")).cookie)).status).toBe(404);
  });

  it("approves a closure through the same use case as chat, with a timeline event and an audit row", async () => {
    const s = await session("lead");
    const res = await post(w.app, `/dashboard/cases/${ids.c}/act`, { _csrf: s.csrf, action: "approve_closure" }, { cookie: s.cookie });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/dashboard/cases/${ids.c}?done=approve_closure`);
    expect(await stateOf(ids.c)).toBe("closed");
    const ev = await w.db.select().from(caseEvents).where(and(eq(caseEvents.caseId, ids.c), eq(caseEvents.kind, "closure_approved")));
    expect(ev).toHaveLength(1);
    expect(ev[0].actorUserId).toBe("lead");
    const audit = await w.db.select().from(auditLog).where(and(eq(auditLog.action, "case.closure.approve"), eq(auditLog.object, `case:${ids.c}`)));
    expect(audit).toMatchObject([{ actor: "lead", result: "ok", source: "web" }]);
    expect(await html(await get(w.app, res.headers.get("location")!, s.cookie))).toContain("已审核通过");
  });

  it("refuses what the use case refuses, and a POST without the CSRF token", async () => {
    const d = await session("disp");
    const flag = await post(w.app, `/dashboard/cases/${ids.a}/act`, { _csrf: d.csrf, action: "flag" }, { cookie: d.cookie });
    expect(flag.status).toBe(403);
    expect(await flag.text()).toContain("仅限领导");
    const denied = await w.db.select().from(auditLog).where(and(eq(auditLog.action, "web.flag"), eq(auditLog.result, "denied")));
    expect(denied).toHaveLength(1);
    const noCsrf = await post(w.app, `/dashboard/cases/${ids.a}/act`, { action: "chase" }, { cookie: d.cookie });
    expect(noCsrf.status).toBe(403);
    const noReason = await post(w.app, `/dashboard/cases/${ids.a}/act`, { _csrf: d.csrf, action: "cancel", reason: "" }, { cookie: d.cookie });
    expect(noReason.status).toBe(400);
    expect(await noReason.text()).toContain("撤销原因");
    expect(await stateOf(ids.a)).toBe("pending_ack");
  });

  it("chases, reassigns and cancels from the page", async () => {
    const d = await session("disp");
    expect((await post(w.app, `/dashboard/cases/${ids.a}/act`, { _csrf: d.csrf, action: "chase" }, { cookie: d.cookie })).status).toBe(303);
    expect(await w.db.select().from(outbox).where(eq(outbox.caseId, ids.a))).not.toHaveLength(0);
    const again = await post(w.app, `/dashboard/cases/${ids.a}/act`, { _csrf: d.csrf, action: "chase" }, { cookie: d.cookie });
    expect(again.status).toBe(409); // rate limited by the use case
    expect((await post(w.app, `/dashboard/cases/${ids.a}/act`, { _csrf: d.csrf, action: "reassign", unit: "2" }, { cookie: d.cookie })).status).toBe(303);
    expect((await w.db.select({ u: cases.leadUnitId }).from(cases).where(eq(cases.id, ids.a)))[0].u).toBe(2);
    expect((await post(w.app, `/dashboard/cases/${ids.a}/act`, { _csrf: d.csrf, action: "cancel", reason: "重复交办" }, { cookie: d.cookie })).status).toBe(303);
    expect(await stateOf(ids.a)).toBe("cancelled");
  });

  it("hides the complainant until the office gives a reason, and audits the view (R40)", async () => {
    const d = await session("disp");
    const page = await html(await get(w.app, `/dashboard/cases/${ids.a}`, d.cookie));
    expect(page).not.toContain("13812345678");
    const shown = await post(w.app, `/dashboard/cases/${ids.a}/pii`, { _csrf: d.csrf, reason: "核实举报人回访情况" }, { cookie: d.cookie });
    expect(await shown.text()).toContain("13812345678");
    const rows = await w.db.select().from(auditLog).where(eq(auditLog.action, "case.pii.view"));
    expect(rows).toMatchObject([{ actor: "disp", result: "ok", object: `case:${ids.a}`, detail: { reason: "核实举报人回访情况" } }]);
    const dossier = await html(await get(w.app, `/dashboard/cases/${ids.a}/dossier`, d.cookie));
    expect(dossier).toContain("一案一档");
    expect(dossier).not.toContain("13812345678");
  });
});

describe("总览 and 单位排名", () => {
  it("shows the headline figures and server-drawn SVG charts", async () => {
    const s = await session("lead");
    const page = await html(await get(w.app, "/dashboard", s.cookie));
    expect(page).toContain("交办总数");
    expect(page).toContain("完成率");
    expect((page.match(/<svg/g) ?? []).length).toBe(2);
    expect(page).not.toMatch(/<script(?![^>]*src=)/); // no inline script
  });

  it("ranks the units now and as of past weeks; a unit sees only its own line", async () => {
    const s = await session("lead");
    const page = await html(await get(w.app, "/dashboard/ranking", s.cookie));
    expect(page).toContain('id="ranking"');
    expect([...page.matchAll(/data-unit="(\d+)"/g)].length).toBeGreaterThanOrEqual(3);
    const past = /href="\/dashboard\/ranking\?at=(\d{4}-\d{2}-\d{2})"/.exec(page)![1];
    expect((await get(w.app, `/dashboard/ranking?at=${past}`, s.cookie)).status).toBe(200);
    const unit = await html(await get(w.app, "/dashboard/ranking", (await session("cg.head")).cookie));
    expect([...unit.matchAll(/data-unit="(\d+)"/g)].map((m) => m[1])).toEqual(["3"]);
  });
});

describe("ranking history", () => {
  it("rebuilds today's figures exactly from the timeline (demo district), so past weeks use the same rules", async () => {
    const store = await tempDb();
    try {
      const now = Date.parse("2026-12-01T01:00:00Z");
      await seedDemo(store.db, { now });
      const key = (rows: { unitId: number | null }[]) => [...rows].sort((a, b) => (a.unitId ?? 0) - (b.unitId ?? 0));
      expect(key(await statsByUnitAsOf(store.db, now))).toEqual(key(await statsByUnit(store.db, now)));
      const weekAgo = await statsByUnitAsOf(store.db, now - 7 * 86_400_000);
      expect(weekAgo.reduce((a, r) => a + r.total, 0)).toBeLessThanOrEqual((await statsByUnit(store.db, now)).reduce((a, r) => a + r.total, 0));
    } finally {
      await store.cleanup();
    }
  });
});

describe("navigation by role", () => {
  it("shows each person only the links their roles may open", async () => {
    const nav = async (userId: string) => {
      const page = await html(await get(w.app, "/dashboard", (await session(userId)).cookie));
      return [...page.matchAll(/<a href="(\/(?:dashboard|admin)[^"]*)"/g)].map((m) => m[1]).filter((h) => ["/dashboard/import", "/admin", "/admin/audit"].includes(h));
    };
    expect(await nav("disp")).toEqual(["/dashboard/import"]);
    expect(await nav("hh.officer")).toEqual([]);
    expect(await nav("admin")).toEqual(["/admin"]);
  });
});

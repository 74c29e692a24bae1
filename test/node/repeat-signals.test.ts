/**
 * Repeat complaints as signals (issue 13 item 3), through a real libSQL file, the real chat pipeline and the real
 * dashboard: a complaint merged into a closed case is a rebound in the lead unit's figures and 撤销并案 takes it
 * back; the command digest lists 反复投诉 with place, count and case numbers; 台账 filters 重复/反复投诉 through its
 * partial index (keyset pages included) and says 无 when nothing matches; the export has 关联案件; the case page
 * shows 同一地点历史.
 */
import { and, desc, eq, sql } from "drizzle-orm";
import readXlsxFile from "read-excel-file/universal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../src/db/api-tokens.js";
import { listCases, ledgerWhere } from "../../src/db/ledger.js";
import { caseEvents, caseTotals, cases, unitDayStats } from "../../src/db/schema.js";
import { figuresByUnit, rebuildUnitDayStats } from "../../src/db/unit-day-stats.js";
import { insertEvent } from "../../src/db/write.js";
import { toPlain } from "../../src/domain/message.js";
import { commandDigest, loadDigest } from "../../src/schedules/digest.js";
import { loadRepeatPlaces, repeatLines } from "../../src/schedules/repeat-lines.js";
import { EXPORT_HEADERS } from "../../src/web/excel/export-rows.js";
import { say, U } from "../helpers/fixture.js";
import { get, ORIGIN, sessionFor, webApp } from "../helpers/web.js";

let w: Awaited<ReturnType<typeof webApp>>;
const idIn = (reply: string) => Number(/#(\d+)/.exec(reply)![1]);
const row = async (id: number) => (await w.db.select().from(cases).where(eq(cases.id, id)))[0];
const chat = (user: string, text: string) => say(w.deps, user, user === "hh.head" ? "g-hh" : "g-command", text);
const hhRebounds = async () => (await figuresByUnit(w.db, w.clock())).find((f) => f.unitId === U.hehuachi)?.rebounds ?? 0;
/** The same figure recounted from the case rows (what the aggregates must equal). */
const hhReboundsRecount = async () =>
  Number((await w.db.all<{ n: number }>(sql`select coalesce(sum(rebound_count), 0) as n from cases where lead_unit_id = ${U.hehuachi} and state != 'cancelled'`))[0].n);
const aggregates = async () => ({
  // Rows the triggers brought to zero are dropped: a rebuild does not create them.
  totals: (await w.db.select().from(caseTotals).orderBy(caseTotals.unitId, caseTotals.source, caseTotals.batchId)).filter((t) => t.total || t.rebounds),
  days: (await w.db.select().from(unitDayStats).orderBy(unitDayStats.unitId, unitDayStats.day)).filter((d) => d.received || d.closed || d.staged || d.closedOnTime || d.dueOpen),
});

/** EXPLAIN QUERY PLAN of a built statement, its parameters written in as literals. */
async function planOf(q: { sql: string; params: unknown[] }): Promise<string> {
  const params = [...q.params];
  const text = q.sql.replace(/\?/g, () => {
    const v = params.shift();
    return typeof v === "string" ? `'${v.replaceAll("'", "''")}'` : String(v);
  });
  return (await w.db.all<{ detail: string }>(sql.raw(`explain query plan ${text}`))).map((p) => p.detail).join("\n");
}

let cookie = "";
let csrf = "";
// A: 老王烧烤店, closed, then B and C complain again (merged: A reopens once). D: an open case, E merged into it.
// S: the same place at another unit, never merged (a similar case on A's page). X: an unrelated case.
const id = { a: 0, b: 0, c: 0, d: 0, e: 0, s: 0, x: 0 };
let beforeMerges = 0;

beforeAll(async () => {
  w = await webApp();
  id.a = idIn(await chat("disp", "交办 金牛大道18号老王烧烤店油烟直排，未安装油烟净化设施 给 荷花池 地址 金牛大道18号"));
  id.x = idIn(await chat("disp", "交办 驷马桥路2号某农贸市场垃圾堆放无人清运 给 驷马桥"));
  id.d = idIn(await chat("disp", "交办 蜀汉路77号宏达建材厂夜间切割噪声扰民 给 荷花池 地址 蜀汉路77号"));
  id.s = idIn(await chat("disp", "交办 金牛大道18号老王烧烤店油烟熏人 给 驷马桥 地址 金牛大道18号"));
  // A is closed (the closure flow is tested elsewhere): the approval event, then a 回头看 patrol that found it fine.
  await w.db.batch([
    w.db.update(cases).set({ state: "closed", outcome: "closed", closedAt: w.clock() }).where(eq(cases.id, id.a)),
    insertEvent(w.db, { caseId: id.a, at: w.clock(), actor: "lead", kind: "closure_approved", text: "通过" }),
  ]);
  w.clock.advance(7 * 24 * 3600_000);
  expect(await chat("disp", `巡查 #${id.a} 正常 店主已安装净化器`)).toContain(`#${id.a}`);
  w.clock.advance(14 * 24 * 3600_000);
  beforeMerges = w.clock();
  w.clock.advance(3600_000);
  id.b = idIn(await chat("disp", "交办 群众反映金牛大道十八号院老王烧烤店晚上炒菜油烟很大，窗户都不敢开 给 荷花池"));
  id.c = idIn(await chat("disp", "交办 老王烧烤店（金牛大道18号）油烟又来了 给 荷花池 地址 金牛大道18号"));
  id.e = idIn(await chat("disp", "交办 蜀汉路77号宏达建材厂半夜还在切割钢材 给 荷花池 地址 蜀汉路77号"));
  ({ cookie, csrf } = await sessionFor(w.db, "disp", w.clock())); // after the clock moved: sessions expire
});
afterAll(() => w.store.cleanup());

describe("unit figures (issue 13)", () => {
  it("a complaint merged into a closed case is a rebound of its lead unit; a merge into an open case is not", async () => {
    expect(await hhRebounds()).toBe(0);
    const before = await aggregates();
    expect(await chat("disp", `并案 #${id.b} 到 #${id.a}`)).toContain("收到重复投诉，已重新办理");
    expect(await row(id.a)).toMatchObject({ state: "in_progress", reboundCount: 1, mergedCount: 1 });
    expect(await hhRebounds()).toBe(1);
    expect(await hhRebounds()).toBe(await hhReboundsRecount());
    // A second complaint about the reopened case and one about an open case: no further rebound.
    expect(await chat("disp", `并案 #${id.c} 到 #${id.a}`)).toContain(`#${id.c} 已并入 #${id.a}`);
    w.clock.advance(60_000); // the digest lists the latest merge first
    expect(await chat("disp", `并案 #${id.e} 到 #${id.d}`)).toContain(`#${id.e} 已并入 #${id.d}`);
    expect(await hhRebounds()).toBe(1);
    expect(await row(id.a)).toMatchObject({ reboundCount: 1, mergedCount: 2 });
    expect(await row(id.d)).toMatchObject({ reboundCount: 0, mergedCount: 1, state: "pending_ack" });
    // The triggers kept exactly what a rebuild from the case rows gives (closed −1 on A's day, merged cases out).
    const kept = await aggregates();
    expect(kept).not.toEqual(before);
    await rebuildUnitDayStats(w.db);
    expect(await aggregates()).toEqual(kept);
  });

  it("撤销并案 of the merge that reopened the case takes its rebound back out; the new round stays", async () => {
    const x = idIn(await chat("disp", "交办 金牛大道18号老王烧烤店油烟扰民 给 荷花池 地址 金牛大道18号"));
    // Close A again so the next merge reopens it a second time, then undo that merge.
    await w.db.update(cases).set({ state: "closed", outcome: "closed", closedAt: w.clock() }).where(eq(cases.id, id.a));
    await chat("disp", `并案 #${x} 到 #${id.a}`);
    expect(await row(id.a)).toMatchObject({ state: "in_progress", reboundCount: 2, mergedCount: 3, round: 3 });
    expect(await hhRebounds()).toBe(2);
    const reply = await chat("lead", `撤销并案 #${x}`);
    expect(reply).toContain("该次反弹不再计入单位统计");
    expect(await row(id.a)).toMatchObject({ state: "in_progress", reboundCount: 1, mergedCount: 2, round: 3 });
    expect(await hhRebounds()).toBe(1);
    expect(await hhRebounds()).toBe(await hhReboundsRecount());
    const [note] = await w.db.select().from(caseEvents).where(and(eq(caseEvents.caseId, id.a), eq(caseEvents.kind, "note"))).orderBy(desc(caseEvents.id)).limit(1);
    expect(note.text).toBe(`撤销并案：#${x} 恢复为独立案件，该次反弹不再计入`);
    // Undoing a merge into an open case changes no figure.
    await chat("disp", `撤销 #${x} 测试用，已撤销并案`); // keep the ledger tests' set as before
  });
});

describe("digest 反复投诉 (issue 13)", () => {
  it("lists each case that got a repeat complaint since the last digest, with place, count and case numbers", async () => {
    const cal = await w.deps.calendar();
    const d = await loadDigest(w.db, cal, w.clock() + 1, beforeMerges, () => 1, 5);
    const text = toPlain({ blocks: commandDigest(d, { lines: 5 }) });
    expect(text).toContain("反复投诉（2 处");
    expect(text).toContain(`金牛大道18号 老王烧烤店：投诉 3 次（#${id.a}，并入 #${id.b}、#${id.c}）· 荷花池街道 · 办理中 · 反弹 1 次`);
    expect(text).toContain(`蜀汉路77号 宏达建材厂：投诉 2 次（#${id.d}，并入 #${id.e}）· 荷花池街道 · 待签收`);
    expect(text).not.toMatch(new RegExp(`#${id.x}\\b`));
  });

  it("names nothing when no merge happened in the window, and caps the lines it prints", async () => {
    const later = w.clock() + 1;
    expect(await loadRepeatPlaces(w.db, later, later + 1, 10)).toEqual({ rows: [], count: 0 });
    const cal = await w.deps.calendar();
    const quiet = toPlain({ blocks: commandDigest(await loadDigest(w.db, cal, later + 1, later, () => 1, 5), { lines: 5 }) });
    expect(quiet).not.toContain("反复投诉");
    const one = await loadRepeatPlaces(w.db, beforeMerges, later, 1);
    expect(one.rows.map((r) => r.caseId)).toEqual([id.d]); // the latest merge first
    expect(one.count).toBe(2);
  });

  it("ends a shortened list with a link to the 台账's 重复/反复投诉 filter, not numbers alone", async () => {
    const data = await loadRepeatPlaces(w.db, beforeMerges, w.clock() + 1, 10);
    const links = (lines: number) => {
      const blocks = repeatLines(data, () => "荷花池街道", lines, 100, "https://duban.example/dashboard/cases");
      return { text: toPlain({ blocks }), urls: blocks.flatMap((b) => ("spans" in b ? b.spans : [])).flatMap((s) => (typeof s === "object" && "link" in s ? [s.link] : [])) };
    };
    const short = links(1);
    expect(short.text).toContain(`另有 1 件：#${id.a}`);
    expect(short.urls).toEqual(["https://duban.example/dashboard/cases?repeat=1"]);
    expect(links(5).urls).toEqual([]);
  });

  it("reads the window through case_links_kind_at_idx", async () => {
    const plan = await w.db.all<{ detail: string }>(sql`explain query plan select other_id from case_links where kind = 'merged' and at >= 0 and at < 1 and undone_at is null`);
    expect(plan.map((p) => p.detail).join("\n")).toContain("case_links_kind_at_idx");
  });
});

describe("台账 重复/反复投诉 filter (issue 13)", () => {
  const page = async (q: string) => (await get(w.app, `/dashboard/cases${q}`, cookie)).text();
  const shownIds = (html: string) => [...html.matchAll(/data-case="(\d+)"/g)].map((m) => Number(m[1]));

  it("shows only cases with merged complaints or rebounds, and the rest with repeat=0", async () => {
    const html = await page("?repeat=1");
    expect(shownIds(html).sort()).toEqual([id.a, id.d].sort());
    expect(html).toContain("重复投诉 3 次 · 反弹 1 次");
    const rest = shownIds(await page("?repeat=0"));
    expect(rest).toContain(id.s);
    expect(rest).not.toContain(id.a);
    expect(rest).not.toContain(id.d);
  });

  it("GET /api/v1/cases takes the same filter", async () => {
    const { token } = await createApiToken(w.db, { name: "12345平台", roles: ["dispatcher"], unitId: null, createdBy: "cli", now: w.clock() });
    const res = await w.app.request(`${ORIGIN}/api/v1/cases?repeat=1`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { id: number }[]; total: number };
    expect(body.items.map((c) => c.id).sort()).toEqual([id.a, id.d].sort());
    expect(body.total).toBe(2);
  });

  it("says 无 when nothing matches, and refuses a bad value with the parameter named", async () => {
    const none = await page(`?repeat=1&unit=${U.simaqiao}`);
    expect(shownIds(none)).toEqual([]);
    expect(none).toContain("无重复/反复投诉的案件");
    const bad = await get(w.app, "/dashboard/cases?repeat=maybe", cookie);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("参数 repeat：应为 1 或 0");
  });

  it("pages by keyset over the partial index, never the whole table", async () => {
    // 3,000 more cases, a few of them with rebounds: the filter must read those only.
    await w.db.run(sql`
      with recursive k(i) as (select 1 union all select i + 1 from k where i < 3000)
      insert into cases (source, title, content, lead_unit_id, flagged, state, rebound_count, created_by, created_at, updated_at, write_token)
      select '12345', '批量案件' || i, '批量内容' || i, 1 + (i % 2), (i % 7 = 0), 'in_progress', (i % 500 = 0), 'bulk', ${w.clock()}, ${w.clock()}, 'rs-' || i from k`);
    const expected = (await w.db.all<{ id: number }>(sql`select id from cases where state != 'cancelled' and (merged_count > 0 or rebound_count > 0) order by flagged desc, id desc`)).map((r) => Number(r.id));
    expect(expected).toHaveLength(2 + 6);
    const seen: number[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const p = await listCases(w.db, { repeat: true }, { all: true }, w.clock(), { cursor, pageSize: 3 });
      expect(p.total).toBe(8);
      seen.push(...p.rows.map((r) => r.id));
      cursor = p.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(expected);
    const where = ledgerWhere({ repeat: true }, { all: true }, w.clock());
    const rows = await planOf(w.db.select().from(cases).where(where).orderBy(desc(cases.flagged), desc(cases.id)).limit(21).toSQL());
    expect(rows).toContain("cases_repeat_idx");
    expect(rows).not.toContain("TEMP B-TREE");
    // The page's count (listCases' cappedCount) reads the index alone.
    const count = w.db.select({ one: sql`1` }).from(cases).where(where).limit(10_001).toSQL();
    expect(await planOf({ sql: `select count(*) from (${count.sql})`, params: count.params })).toContain("COVERING INDEX cases_repeat_idx");
  });
});

describe("ledger export 关联案件 (issue 13)", () => {
  const exportRows = async (query: string) => {
    const res = await w.app.request(`${ORIGIN}/dashboard/cases/export.xlsx${query}`, {
      method: "POST", headers: { cookie, origin: ORIGIN, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ _csrf: csrf }),
    });
    expect(res.status).toBe(200);
    const [sheet] = await readXlsxFile(await res.arrayBuffer());
    expect(sheet.data[0]).toEqual([...EXPORT_HEADERS]);
    const col = EXPORT_HEADERS.indexOf("关联案件");
    return new Map(sheet.data.slice(1).map((r) => [Number(r[EXPORT_HEADERS.indexOf("案件号")]), r[col] ?? ""]));
  };

  it("names the merged complaints on the case that holds them and the case a complaint was merged into", async () => {
    const repeats = await exportRows("?repeat=1");
    expect(repeats.get(id.a)).toBe(`#${id.b}、#${id.c} 并入本案`);
    expect(repeats.get(id.d)).toBe(`#${id.e} 并入本案`);
    const cancelled = await exportRows("?state=cancelled");
    expect(cancelled.get(id.b)).toBe(`已并入 #${id.a}`);
    expect(cancelled.get(id.e)).toBe(`已并入 #${id.d}`);
    expect((await exportRows(`?unit=${U.simaqiao}`)).get(id.s)).toBe("");
  });
});

describe("case page 同一地点历史 (issue 13)", () => {
  const section = async (caseId: number, c = cookie) => {
    const html = await (await get(w.app, `/dashboard/cases/${caseId}`, c)).text();
    const at = html.indexOf('id="place-history"');
    expect(at).toBeGreaterThan(0);
    return html.slice(at, html.indexOf("</section>", at));
  };

  it("shows the merged complaints with their text and dates, and the place's other cases with closures and patrols", async () => {
    const h = await section(id.a);
    expect(h).toContain("并入本案的投诉（2 件，连同本案共 3 次投诉）");
    expect(h).toContain("窗户都不敢开");
    expect(h).toContain(`data-merged="${id.c}"`);
    expect(h).toContain("由张敏并案");
    // This case's own closure, patrol and repeat-complaint rebound, and the similar case of the other unit.
    expect(h).toMatch(/办结（审核通过）[\s\S]*回头看：巡查正常：店主已安装净化器[\s\S]*重复投诉，重新办理/);
    expect(h).toContain(`data-place-case="${id.s}" data-relation="similar"`);
    expect(h).not.toContain(`data-place-case="${id.x}"`);
  });

  it("on a merged complaint, points to the case it was merged into", async () => {
    expect(await section(id.b)).toContain(`data-place-case="${id.a}" data-relation="into"`);
  });

  it("keeps another unit's case out of a unit's view, saying one was left out", async () => {
    const hh = await sessionFor(w.db, "hh.head", w.clock());
    const h = await section(id.a, hh.cookie);
    expect(h).not.toContain(`data-place-case="${id.s}"`);
    expect(h).toContain("另有 1 件同一地点的案件属于其他单位，未显示");
  });

  it("says 无 for a case with no linked complaint and no other case at its place", async () => {
    expect(await section(id.x)).toContain("无：没有并入本案的投诉，也未发现同一地点的其他案件。");
  });
});

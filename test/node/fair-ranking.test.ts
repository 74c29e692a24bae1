/**
 * Fair unit rankings on every surface (issue 11 item 7): a unit with 4 perfect cases no longer outranks one with
 * 11 of 12 on time; a unit with nothing due shows "—" and no rank or card; every unit of the directory but the
 * office is listed (one without any case too); cards follow the policy thresholds on the score; the page, 总览,
 * chat 统计 and the API agree and say how the score is computed. Figures come from real cases through the
 * aggregate triggers of a real libSQL file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../src/db/api-tokens.js";
import { policies, units } from "../../src/db/schema.js";
import { wilsonLower } from "../../src/domain/fair-rank.js";
import { say, U } from "../helpers/fixture.js";
import { insertCases } from "../helpers/schedules.js";
import { get, ORIGIN, sessionFor, webApp } from "../helpers/web.js";

let w: Awaited<ReturnType<typeof webApp>>;
let jinquan = 0; // a unit with no cases at all
const DAY = 86_400_000;
const CARDS = { red: 0.65, yellow: 0.9 };
const score = (k: number, n: number) => (Math.round(wilsonLower(k, n) * 1000) / 10).toFixed(1);

beforeAll(async () => {
  w = await webApp();
  const now = w.clock();
  const due = now - 10 * DAY;
  // 荷花池: 4 of 4 closed on time (completion 100 %); 驷马桥: 11 of 12 on time, 1 overdue (91.7 %): the old order.
  await insertCases(w.db, 4, { leadUnitId: U.hehuachi, dueAt: due, state: "closed", outcome: "closed", closedAt: due - DAY });
  await insertCases(w.db, 11, { leadUnitId: U.simaqiao, dueAt: due, state: "closed", outcome: "closed", closedAt: due - DAY });
  await insertCases(w.db, 1, { leadUnitId: U.simaqiao, dueAt: due });
  // 区城管局: three cases, none due yet — nothing to rate.
  await insertCases(w.db, 3, { leadUnitId: U.chengguan, dueAt: now + 10 * DAY });
  [{ id: jinquan }] = await w.db.insert(units).values({ name: "金泉街道", kind: "street" }).returning({ id: units.id });
  await w.db.insert(units).values({ name: "已撤并街道", kind: "street", active: false });
  const set = (key: string, value: unknown) => w.db.insert(policies).values({ key, value, updatedAt: 0, updatedBy: "test" });
  await set("rankMinCases", 3);
  await set("cards", CARDS);
});
afterAll(() => w.store.cleanup());

type Row = { unit: number; rank: string; cells: Record<string, string> };
/** The ranking table's rows: unit id, rank attribute and each cell's text by its data-label. */
function tableRows(page: string): Row[] {
  const body = /<table[^>]*id="ranking"[^>]*>[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(page)![1];
  return [...body.matchAll(/<tr data-unit="(\d+)" data-rank="(\d*)"[^>]*>([\s\S]*?)<\/tr>/g)].map((m) => ({
    unit: Number(m[1]),
    rank: m[2],
    cells: Object.fromEntries([...m[3].matchAll(/<td data-label="([^"]+)"[^>]*>([\s\S]*?)<\/td>/g)].map((c) => [c[1], c[2].replace(/<[^>]+>/g, "")])),
  }));
}

describe("单位排名 page", () => {
  it("ranks 11 of 12 on time above 4 of 4, lists every unit but the office, shows — where nothing is due", async () => {
    const s = await sessionFor(w.db, "lead", w.clock());
    const page = await (await get(w.app, "/dashboard/ranking", s.cookie)).text();
    const rows = tableRows(page);
    expect(rows.map((r) => [r.unit, r.rank])).toEqual([[U.simaqiao, "1"], [U.hehuachi, "2"], [U.chengguan, ""], [jinquan, ""]]);
    expect(rows.map((r) => r.cells["评分"])).toEqual([score(11, 12), score(4, 4), "—", "—"]);
    expect(rows.map((r) => r.cells["评牌"])).toEqual(["黄牌", "红牌", "—", "—"]);
    const cg = rows.find((r) => r.unit === U.chengguan)!;
    expect(cg.cells).toMatchObject({ 名次: "不排名", 应结件: "0", 按期办结率: "—", 交办: "3" });
    expect(rows.find((r) => r.unit === U.hehuachi)!.cells["按期办结率"]).toBe("100.0%（4/4）");
    // Each cell carries its column's label for the phone layout.
    const heads = [.../<thead>([\s\S]*?)<\/thead>/.exec(page)![1].matchAll(/<th>([^<]+)<\/th>/g)].map((m) => m[1]);
    for (const r of rows) expect(Object.keys(r.cells)).toEqual(heads);
    expect(page).not.toContain("区环督办");
    expect(page).not.toContain("已撤并街道");
    expect(page).toMatch(/id="score-note"[^>]*>评分＝按期办结数÷应结件数.*威尔逊区间下限.*应结件不足 3 件不排名、不评牌。评牌按评分：低于 65.0 红牌，低于 90.0 黄牌/);
  });

  it("tells a unit its place, or why it has none", async () => {
    const sm = await (await get(w.app, "/dashboard/ranking", (await sessionFor(w.db, "sm.head", w.clock())).cookie)).text();
    expect(sm).toContain("本单位在 2 个参与排名的单位中排第 1 名");
    expect(tableRows(sm).map((r) => r.unit)).toEqual([U.simaqiao]);
    const cg = await (await get(w.app, "/dashboard/ranking", (await sessionFor(w.db, "cg.head", w.clock())).cookie)).text();
    expect(cg).toContain("本单位应结件 0 件，不足 3 件，暂不排名。");
    // Its 总览 has no closures to rate: "—", not 0.0 %.
    const overview = await (await get(w.app, "/dashboard", (await sessionFor(w.db, "cg.head", w.clock())).cookie)).text();
    expect(overview).toMatch(/按时办结率<\/div><div class="num[^"]*">—<\/div>/);
  });

  it("总览 draws the ranked units' scores and counts the rest", async () => {
    const s = await sessionFor(w.db, "lead", w.clock());
    const page = await (await get(w.app, "/dashboard", s.cookie)).text();
    expect(page).toContain("单位排名评分");
    expect(page).toMatch(/id="score-note"[^>]*>评分＝[^<]*另有 2 个单位暂不排名。/);
  });
});

describe("chat 统计 and the API", () => {
  it("统计 in the command group gives the same order, the unranked units and the rule", async () => {
    const reply = await say(w.deps, "disp", "g-command", "统计");
    const ranked = reply.split("\n").filter((l) => /^\d+\. /.test(l));
    expect(ranked).toEqual([
      `1. 驷马桥街道 评分 ${score(11, 12)} 黄牌（按期 11/12）逾期1 反弹0`,
      `2. 荷花池街道 评分 ${score(4, 4)} 红牌（按期 4/4）逾期0 反弹0`,
    ]);
    expect(reply).toContain("暂不排名（应结件不足 3 件）：区城管局（0）、金泉街道（0）");
    expect(reply).toContain("威尔逊区间下限");
  });

  it("统计 for a unit with no closures says — rather than 0.0 %", async () => {
    const reply = await say(w.deps, "cg.head", "g-cg", "统计");
    expect(reply).toContain("按时办结率 —");
    expect(reply).not.toContain("按时办结率 0.0%");
    expect(reply).toContain("单位排名：应结件 0 件，不足 3 件，暂不排名");
  });

  it("/api/v1/stats lists every unit with rank (null when unranked), score, card and the rule", async () => {
    const { token } = await createApiToken(w.db, { name: "排名", roles: ["dispatcher"], unitId: null, createdBy: "cli", now: w.clock() });
    const r = await w.app.request(`${ORIGIN}/api/v1/stats`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await r.json()) as { units: Record<string, any>[]; ranking: Record<string, any> };
    expect(body.units.map((u) => [u.unit.name, u.rank, u.card])).toEqual([["驷马桥街道", 1, "yellow"], ["荷花池街道", 2, "red"], ["区城管局", null, null], ["金泉街道", null, null]]);
    expect(body.units[0]).toMatchObject({ total: 12, closed: 11, closedOnTime: 11, overdue: 1, due: 12, completionRate: 11 / 12, onTimeRate: 1 });
    expect(body.units[0].score).toBeCloseTo(wilsonLower(11, 12), 12);
    expect(body.units[2]).toMatchObject({ due: 0, onTimeShare: null, score: null, onTimeRate: 0 });
    expect(body.ranking).toMatchObject({ minCases: 3, cards: CARDS });
    expect(body.ranking.note).toContain("威尔逊");
  });
});

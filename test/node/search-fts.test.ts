/**
 * Full-text search (issue 12): the case_search FTS5 trigram index is kept in step by triggers (insert, update,
 * delete, people's progress notes), the 台账 and the API search through it with bm25 ranking, 1–2 character
 * words still work (LIKE over the newest SHORT_WINDOW cases), FTS syntax in the input is only text, and
 * rebuildCaseSearch restores the index in chunks, idempotently. Real libSQL file, real handlers.
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../src/db/api-tokens.js";
import { rebuildCaseSearch, searchHits, searchTerms, SHORT_WINDOW } from "../../src/db/case-search.js";
import { listCases } from "../../src/db/ledger.js";
import { cases } from "../../src/db/schema.js";
import { say } from "../helpers/fixture.js";
import { ORIGIN, sessionFor, webApp } from "../helpers/web.js";
import { bulkCases } from "../helpers/bulk-cases.js";

let w: Awaited<ReturnType<typeof webApp>>;
const ALL = { all: true } as const;
const ids = { grill: 0, noise: 0, drain: 0, titled: 0 };
const idOf = (reply: string) => Number(/#(\d+)/.exec(reply)![1]);
const search = async (q: string, f = {}) => (await listCases(w.db, { ...f, q }, ALL, w.clock(), { pageSize: 50 })).rows.map((r) => r.id);

beforeAll(async () => {
  w = await webApp();
  await bulkCases(w.db, 300, w.clock()); // unrelated text around the cases searched for
  ids.grill = idOf(await say(w.deps, "disp", "g-command", "交办 金牛大道某烧烤店油烟扰民 给 荷花池街道 限 12月25日"));
  ids.noise = idOf(await say(w.deps, "disp", "g-command", "交办 驷马桥路某工地夜间施工噪声扰民 给 驷马桥街道 限 12月28日"));
  ids.drain = idOf(await say(w.deps, "disp", "g-command", "交办 第9号排口污水外溢，附近居民反映有烧烤摊 给 区城管局 限 5个工作日"));
  await w.db.update(cases).set({ address: "金牛区蜀汉路88号", externalNo: "SZ2026120199" }).where(eq(cases.id, ids.noise));
  // A case whose title says 烧烤 (weighted above a hit in the long text).
  ids.titled = idOf(await say(w.deps, "disp", "g-command", "交办 荷花池北街烧烤摊占道经营 给 荷花池街道 限 12月30日"));
});
afterAll(() => w.store.cleanup());

describe("the index follows the cases", () => {
  it("finds title, content, address and 受理编号 text of three characters or more", async () => {
    expect(await search("烧烤店")).toEqual([ids.grill]);
    expect(await search("蜀汉路")).toEqual([ids.noise]);
    expect(await search("SZ2026120199")).toEqual([ids.noise]);
    expect(await search("sz20261201")).toEqual([ids.noise]); // trigram matching ignores ASCII case
    expect(await search("sz2026120199")).toEqual([ids.noise]); // a whole 受理编号 goes through its unique index
    expect(await search("夜间施工 驷马桥")).toEqual([ids.noise]); // every word must occur
    expect(await search("夜间施工 蜀汉路九号")).toEqual([]);
  });

  it("keeps step with updates, people's progress notes (not system notes) and deletes", async () => {
    await w.db.update(cases).set({ title: "金牛大道某火锅店排烟", content: "金牛大道某火锅店排烟管道破损" }).where(eq(cases.id, ids.grill));
    expect(await search("烧烤店")).toEqual([]);
    expect(await search("火锅店")).toEqual([ids.grill]);
    await say(w.deps, "hh.officer", "g-hh", `签收 #${ids.grill}`);
    await say(w.deps, "hh.officer", "g-hh", `#${ids.grill} 已约谈店主并更换净化装置`);
    expect(await search("净化装置")).toEqual([ids.grill]);
    const [{ n }] = await w.db.all<{ n: number }>(sql`select count(*) as n from case_search`);
    const [{ m }] = await w.db.all<{ m: number }>(sql`select count(*) as m from cases`);
    expect(n).toBe(m);
    await w.db.run(sql`insert into case_events (case_id, at, actor_user_id, kind, text) values (${ids.grill}, ${w.clock()}, 'system', 'note', '系统自动重算时限备注')`);
    expect(await search("自动重算")).toEqual([]);
  });

  it("ranks a title hit above a hit in the long text, and says the search was ranked", async () => {
    const p = await listCases(w.db, { q: "烧烤摊" }, ALL, w.clock(), { pageSize: 20 });
    expect(p.rows.map((r) => r.id)).toEqual([ids.titled, ids.drain]);
    expect(p).toMatchObject({ total: 2, capped: false, search: "ranked" });
  });

  it("combines the text with the other filters and the viewer's scope", async () => {
    const hh = (await w.db.select({ u: cases.leadUnitId }).from(cases).where(eq(cases.id, ids.titled)))[0].u!;
    expect(await search("烧烤摊", { unitId: hh })).toEqual([ids.titled]);
    const unitView = await listCases(w.db, { q: "夜间施工" }, { all: false, unitId: hh }, w.clock(), { pageSize: 20 });
    expect(unitView.rows).toEqual([]);
  });

  it("treats FTS syntax in the input as text", async () => {
    for (const q of ['"', 'a"b OR c*', "NEAR(烧烤 店)", "烧烤* -店", "^起始", "col:value", "(((", "AND OR NOT"]) {
      await expect(listCases(w.db, { q }, ALL, w.clock(), { pageSize: 20 })).resolves.toBeDefined();
    }
  });
});

describe("short words", () => {
  it("finds a two-character word among the newest cases, newest first, and says so on the page", async () => {
    const p = await listCases(w.db, { q: "噪声" }, ALL, w.clock(), { pageSize: 20 });
    expect(p.rows.map((r) => r.id)).toEqual([ids.noise]);
    expect(p.search).toBe("recent");
    expect(await search("烧烤")).toEqual([ids.titled, ids.drain]); // newest first
    expect(await search("烧烤 排口")).toEqual([ids.drain]);
    expect(await search("外溢 9号")).toEqual([ids.drain]); // a long word through MATCH, a short one filters its hits
    const s = await sessionFor(w.db, "disp", w.clock());
    const html = await (await w.app.request(`${ORIGIN}/dashboard/cases?q=${encodeURIComponent("噪声")}`, { headers: { cookie: s.cookie } })).text();
    expect(html).toContain(`最近 ${SHORT_WINDOW / 10_000} 万件中匹配`);
    expect(html).toContain(`data-case="${ids.noise}"`);
  });

  it("reads only a rowid range of the index for a short word, and the index (not the case table) for a long one", async () => {
    const detail = async (q: string) =>
      (await w.db.all<{ detail: string }>(sql`explain query plan select c.id from cases c join (${searchHits(searchTerms(q), 2000)}) h on h.id = c.id`)).map((r) => r.detail).join(" | ");
    const short = await detail("噪声");
    expect(short).toMatch(/SCAN case_search VIRTUAL TABLE INDEX \d+:>/); // a rowid lower bound, not a full scan
    expect(short).toMatch(/SEARCH c USING INTEGER PRIMARY KEY/);
    const long = await detail("夜间施工");
    expect(long).toMatch(/case_search VIRTUAL TABLE INDEX \d+:M/); // MATCH through the full-text index
    expect(long).not.toMatch(/SCAN c\b/);
  });
});

describe("the API searches the same way", () => {
  it("answers q with ranked items", async () => {
    const token = (await createApiToken(w.db, { name: "搜索", roles: ["dispatcher"], unitId: null, createdBy: "cli", now: w.clock() })).token;
    const r = (await (await w.app.request(`${ORIGIN}/api/v1/cases?q=${encodeURIComponent("烧烤摊")}`, { headers: { authorization: `Bearer ${token}` } })).json()) as Record<string, any>;
    expect(r.items.map((c: { id: number }) => c.id)).toEqual([ids.titled, ids.drain]);
    expect(r).toMatchObject({ total: 2, search: "ranked", totalCapped: false });
  });
});

describe("rebuildCaseSearch", () => {
  it("rebuilds the index in chunks, idempotently, with the same results", async () => {
    const before = await search("净化装置");
    await w.db.run(sql`delete from case_search`); // as after a restore that left it empty
    expect(await search("净化装置")).toEqual([]);
    const [{ top }] = await w.db.all<{ top: number }>(sql`select max(id) as top from cases`);
    const progress: [number, number][] = [];
    const n = await rebuildCaseSearch(w.db, (done, total) => progress.push([done, total]), 100);
    const [{ m }] = await w.db.all<{ m: number }>(sql`select count(*) as m from cases`);
    expect(n).toBe(m);
    expect(progress.length).toBe(Math.ceil(top / 100) + 1);
    expect(progress.at(-1)).toEqual([top, top]);
    expect(progress.every(([d], i) => i === 0 || d > progress[i - 1][0])).toBe(true);
    expect(await search("净化装置")).toEqual(before);
    expect(await rebuildCaseSearch(w.db)).toBe(m);
    expect(await search("烧烤摊")).toEqual([ids.titled, ids.drain]);
    // Triggers still write into the recreated table.
    const added = idOf(await say(w.deps, "disp", "g-command", "交办 天回镇某养殖场粪污直排 给 区城管局 限 5个工作日"));
    expect(await search("养殖场")).toEqual([added]);
  });
});

/**
 * Full-text search (issue 12): the case_search FTS5 trigram index is kept in step by triggers (insert, update,
 * delete), people's progress notes are indexed one by one in note_search (a new note never rewrites the case's
 * row), the 台账 and the API search through both with bm25 ranking (every word must occur in the case or its
 * notes), 1–2 character words still work (LIKE over the newest SHORT_WINDOW cases and their notes), FTS syntax in
 * the input is only text, and rebuildCaseSearch restores both indexes in chunks, idempotently. Real libSQL file,
 * real handlers.
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../src/db/api-tokens.js";
import { MAX_SEARCH_WORDS, rebuildCaseSearch, searchHits, searchTerms, SHORT_WINDOW } from "../../src/db/case-search.js";
import { listCases } from "../../src/db/ledger.js";
import { cases } from "../../src/db/schema.js";
import { say } from "../helpers/fixture.js";
import { ORIGIN, sessionFor, webApp } from "../helpers/web.js";
import { bulkCases } from "../helpers/bulk-cases.js";

let w: Awaited<ReturnType<typeof webApp>>;
const ALL = { all: true } as const;
const ids = { grill: 0, noise: 0, drain: 0, titled: 0, wash: 0 };
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
    // Notes: note_search by MATCH, each candidate case checked by its rowid and its events by case id; never a scan.
    for (const q of ["夜间施工 驷马桥", "夜间施工 噪声", "噪声 施工"]) {
      const plan = await detail(q);
      if (q !== "噪声 施工") expect(plan).toMatch(/note_search VIRTUAL TABLE INDEX \d+:M/);
      // Notes by case id: one case's events, or the short window's range of them — never every note ever written.
      expect(plan).toMatch(/SEARCH e USING INDEX case_events_case_idx \(case_id[=>]\?\)/);
      expect(plan).not.toMatch(/case_events_kind_at_idx/);
      expect(plan).not.toMatch(/SCAN (c|e|case_events|cases)\b/);
      // Every read of an FTS table is a MATCH (M), a rowid lookup (=) or the short window's rowid range (>).
      expect(plan).not.toMatch(/VIRTUAL TABLE INDEX \d+:(?![M=>])/);
    }
  });
});

describe("notes are indexed one by one (note_search)", () => {
  const note = (id: number, text: string, actor = "hh.officer") =>
    w.db.run(sql`insert into case_events (case_id, at, actor_user_id, kind, text) values (${id}, ${w.clock()}, ${actor}, 'progress', ${text})`);
  const noteRows = (caseId: number) => w.db.all<{ id: number; text: string }>(sql`select rowid as id, text from note_search where case_id = ${caseId} order by rowid`);

  beforeAll(async () => {
    ids.wash = idOf(await say(w.deps, "disp", "g-command", "交办 荷花池某洗车店废水直排 给 荷花池街道 限 12月30日"));
    await say(w.deps, "hh.officer", "g-hh", `签收 #${ids.wash}`);
  });

  it("finds a note added after the case was created, at once, by a long and by a two-character word", async () => {
    expect(await search("沉淀池")).toEqual([]);
    await say(w.deps, "hh.officer", "g-hh", `#${ids.wash} 已责令店主加装沉淀池`);
    expect(await search("沉淀池")).toEqual([ids.wash]);
    expect(await search("沉淀")).toEqual([ids.wash]); // short words alone: the window's rows and their notes
    expect((await noteRows(ids.wash)).map((r) => r.text)).toEqual(["已责令店主加装沉淀池"]);
    // case_search keeps the case's own columns only.
    const [row] = await w.db.all<{ notes: string }>(sql`select notes from case_search where rowid = ${ids.wash}`);
    expect(row.notes).toBe("");
  });

  it("finds a case whose words are split between its own text and its notes, in any mix of long and short words", async () => {
    expect(await search("洗车店 沉淀池")).toEqual([ids.wash]); // long in the title, long in a note
    expect(await search("洗车店 沉淀")).toEqual([ids.wash]); // long in the title, short in a note
    expect(await search("沉淀池 洗车")).toEqual([ids.wash]); // long in a note, short in the title
    expect(await search("沉淀 洗车")).toEqual([ids.wash]); // short words only
    expect(await search("加装沉淀池 店主 直排")).toEqual([ids.wash]);
    await say(w.deps, "hh.officer", "g-hh", `#${ids.wash} 沉淀池已投入使用`);
    expect(await search("投入使用 加装")).toEqual([ids.wash]); // two notes of one case
  });

  it("does not join words found in two different cases", async () => {
    expect(await search("净化装置")).toEqual([ids.grill]);
    expect(await search("净化装置 沉淀池")).toEqual([]); // each word in another case's notes
    expect(await search("净化 沉淀")).toEqual([]);
    expect(await search("洗车店 净化装置")).toEqual([]); // one in a title, the other in another case's note
    expect(await search("净化装置 洗车")).toEqual([]);
    expect(await search("沉淀池 火锅店")).toEqual([]);
  });

  it("ranks a hit in the case's own text above one found only through a note", async () => {
    const other = idOf(await say(w.deps, "disp", "g-command", "交办 荷花池沉淀池溢流污染 给 荷花池街道 限 12月30日"));
    expect(await search("沉淀池")).toEqual([other, ids.wash]);
    const p = await listCases(w.db, { q: "沉淀池" }, ALL, w.clock(), { pageSize: 20 });
    expect(p).toMatchObject({ total: 2, search: "ranked" });
  });

  it("adds a note to a case with many notes without rewriting the case's index row", async () => {
    for (let i = 0; i < 40; i++) await note(ids.wash, `第${i}次巡查记录：现场无异常`);
    const state = async (table: string) => w.db.all<{ id: number; b: string }>(sql`select id, hex(block) as b from ${sql.raw(table)} order by id`);
    const before = { data: await state("case_search_data"), row: await w.db.all(sql`select * from case_search where rowid = ${ids.wash}`) };
    const notesBefore = await state("note_search_data");
    await say(w.deps, "hh.officer", "g-hh", `#${ids.wash} 店主已签订承诺书`);
    // The old trigger (UPDATE case_search SET notes = notes || …) re-tokenized the whole case: new segment data.
    expect(await state("case_search_data")).toEqual(before.data);
    expect(await w.db.all(sql`select * from case_search where rowid = ${ids.wash}`)).toEqual(before.row);
    expect(await state("note_search_data")).not.toEqual(notesBefore);
    expect(await search("承诺书")).toEqual([ids.wash]);
    expect(await noteRows(ids.wash)).toHaveLength(43);
  });

  it("leaves system notes and other events out, and drops a deleted event's note", async () => {
    const id = idOf(await say(w.deps, "disp", "g-command", "交办 荷花池某餐馆隔油池堵塞 给 荷花池街道 限 12月30日"));
    await note(id, "系统备注：隔油池自动提醒", "system");
    await note(id, "已疏通隔油池管道");
    expect((await noteRows(id)).map((r) => r.text)).toEqual(["已疏通隔油池管道"]);
    expect(await search("疏通")).toEqual([id]);
    expect(await search("自动提醒")).toEqual([]);
    // case_events is append-only; a repair that deletes events (and then the case) takes their notes along.
    const [{ sql: guard }] = await w.db.all<{ sql: string }>(sql`select sql from sqlite_master where name = 'case_events_no_delete'`);
    await w.db.run(sql`drop trigger case_events_no_delete`);
    try {
      await w.db.run(sql`delete from case_events where case_id = ${id}`);
      await w.db.run(sql`delete from cases where id = ${id}`);
    } finally {
      await w.db.run(sql.raw(guard));
    }
    expect(await noteRows(id)).toEqual([]);
    expect(await search("疏通")).toEqual([]);
    await expect(w.db.run(sql`delete from case_events where case_id = ${ids.wash}`)).rejects.toThrow();
  });
});

describe("a search of many words", () => {
  it("uses the first five, says which were left out, and stays within D1's 100 parameters with the ledger's filters", async () => {
    const words = ["烧烤摊", "排口", "外溢", "9号", "污水", "居民反映", "附近"];
    const p = await listCases(w.db, { q: words.join(" ") }, ALL, w.clock(), { pageSize: 20 });
    expect(p.rows.map((r) => r.id)).toEqual([ids.drain]);
    expect(p.ignoredWords).toEqual(words.slice(MAX_SEARCH_WORDS));
    // The worst mix of five words (four long, one short … three long, two short), as the export's IN-subquery beside
    // every other filter of the ledger.
    const dialect = (w.db as unknown as { dialect: { sqlToQuery: (q: unknown) => { params: unknown[] } } }).dialect;
    const { ledgerWhere } = await import("../../src/db/ledger.js");
    const filters = { batchId: 1, source: "12345", unitId: 1, state: "in_progress" as const, type: "水", overdue: true, flagged: true, repeat: true };
    for (const long of [0, 1, 2, 3, 4, 5]) {
      const q = [...["一二三", "四五六", "七八九", "十一二", "十三四"].slice(0, long), ...["污水", "异味", "噪音", "油烟", "扬尘"].slice(0, MAX_SEARCH_WORDS - long), "多余的词"].join(" ");
      const n = dialect.sqlToQuery(ledgerWhere({ ...filters, q }, { all: false, unitId: 3 }, w.clock())!).params.length;
      expect(n, q).toBeLessThanOrEqual(100);
    }
    const s = await sessionFor(w.db, "disp", w.clock());
    const html = await (await w.app.request(`${ORIGIN}/dashboard/cases?q=${encodeURIComponent(words.join(" "))}`, { headers: { cookie: s.cookie } })).text();
    expect(html).toContain(`只按前 ${MAX_SEARCH_WORDS} 个检索，未用：${words.slice(MAX_SEARCH_WORDS).join(" ")}`);
  });
});

describe("the API searches the same way", () => {
  it("answers q with ranked items", async () => {
    const token = (await createApiToken(w.db, { name: "搜索", roles: ["dispatcher"], unitId: null, createdBy: "cli", now: w.clock() })).token;
    const r = (await (await w.app.request(`${ORIGIN}/api/v1/cases?q=${encodeURIComponent("烧烤摊")}`, { headers: { authorization: `Bearer ${token}` } })).json()) as Record<string, any>;
    expect(r.items.map((c: { id: number }) => c.id)).toEqual([ids.titled, ids.drain]);
    expect(r).toMatchObject({ total: 2, search: "ranked", totalCapped: false, ignoredWords: [] });
  });
});

describe("rebuildCaseSearch", () => {
  const notesNow = () => w.db.all<{ id: number; text: string; c: number }>(sql`select rowid as id, text, case_id as c from note_search order by rowid`);
  const notesWanted = () =>
    w.db.all<{ id: number; text: string; c: number }>(sql`select id, text, case_id as c from case_events
      where kind in ('progress', 'note') and actor_user_id != 'system' and coalesce(text, '') != '' order by id`);

  it("rebuilds both indexes in chunks, idempotently, with the same results", async () => {
    const before = await search("净化装置");
    const wanted = await notesWanted();
    expect(wanted.length).toBeGreaterThan(40);
    expect(await notesNow()).toEqual(wanted);
    await w.db.run(sql`delete from case_search`); // as after a restore that left it empty
    await w.db.run(sql`delete from note_search`);
    expect(await search("净化装置")).toEqual([]);
    const [{ top, topEvent }] = await w.db.all<{ top: number; topEvent: number }>(sql`select (select max(id) from cases) as top, (select max(id) from case_events) as topEvent`);
    const progress: [number, number][] = [];
    const n = await rebuildCaseSearch(w.db, (done, total) => progress.push([done, total]), 100);
    const [{ m }] = await w.db.all<{ m: number }>(sql`select count(*) as m from cases`);
    expect(n).toBe(m);
    expect(progress.length).toBe(1 + Math.ceil(top / 100) + Math.ceil(topEvent / 400)); // events by 4 × chunk
    expect(progress.at(-1)).toEqual([top + topEvent, top + topEvent]);
    expect(progress.every(([d], i) => i === 0 || d > progress[i - 1][0])).toBe(true);
    expect(await notesNow()).toEqual(wanted);
    expect(await search("净化装置")).toEqual(before);
    expect(await rebuildCaseSearch(w.db)).toBe(m);
    expect(await notesNow()).toEqual(wanted);
    expect(await search("烧烤摊")).toEqual([ids.titled, ids.drain]);
    // Triggers still write into the recreated table.
    const added = idOf(await say(w.deps, "disp", "g-command", "交办 天回镇某养殖场粪污直排 给 区城管局 限 5个工作日"));
    expect(await search("养殖场")).toEqual([added]);
  });

  it("repairs note rows deleted, altered or added by plain SQL", async () => {
    const wanted = await notesWanted();
    const [first, second] = wanted.filter((r) => r.id % 3 !== 0);
    await w.db.batch([
      w.db.run(sql`delete from note_search where rowid % 3 = 0`),
      w.db.run(sql`update note_search set text = '被篡改的备注内容' where rowid = ${first.id}`),
      w.db.run(sql`update note_search set case_id = 999999 where rowid = ${second.id}`),
      w.db.run(sql`insert into note_search (rowid, text, case_id) values (${wanted.at(-1)!.id + 50}, '不存在的进展记录', ${ids.wash})`),
    ]);
    expect(await search("被篡改的")).not.toEqual([]);
    expect(await notesNow()).not.toEqual(wanted);
    await rebuildCaseSearch(w.db, undefined, 7);
    expect(await notesNow()).toEqual(wanted);
    expect(await search("被篡改的")).toEqual([]);
    expect(await search("不存在的进展")).toEqual([]);
    expect(await search("净化装置")).toEqual([ids.grill]);
  });
});

/**
 * Full-text search on D1 inside workerd (issue 12): the migrations' FTS5 trigram tables (case_search and the
 * per-note note_search) and their triggers exist on D1, the 台账 page and listCases find a case by a 3+ character
 * substring (ranked), by a two-character word and by words of its progress notes, rebuildCaseSearch runs in chunks
 * there, and the aggregate tables answer the ranking history.
 */
import { SELF, env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { rebuildCaseSearch } from "../../src/db/case-search.js";
import { listCases } from "../../src/db/ledger.js";
import { statsByUnit, statsByUnitAsOf } from "../../src/db/stats.js";
import { d1, sessionFor } from "../helpers/worker-session.js";

const BASE = "https://duban.test";
const ALL = { all: true } as const;
let session: { cookie: string; csrf: string };
let id = 0;

beforeAll(async () => {
  session = await sessionFor("disp");
  const now = Date.now();
  const r = await env.DB.prepare(
    `insert into cases (source, title, content, address, external_no, lead_unit_id, state, due_at, created_by, created_at, updated_at, write_token)
     values ('12345', '天回镇某养殖场粪污直排', '群众反映养殖场粪污直排入河道，气味刺鼻', '天回镇明月村三组', 'D1FTS20261202', 1, 'in_progress', ?, 'test', ?, ?, 'fts-d1-1') returning id`,
  ).bind(now + 86_400_000, now, now).first<{ id: number }>();
  id = r!.id;
});

/** A person's progress note on case `caseId`, written as the handlers write events (the trigger indexes it). */
const note = (caseId: number, text: string, actor = "officer") =>
  env.DB.prepare(`insert into case_events (case_id, at, actor_user_id, kind, text) values (?, ?, ?, 'progress', ?)`).bind(caseId, Date.now(), actor, text).run();

describe("FTS5 trigram on D1", () => {
  it("is the migrations' virtual tables with their triggers", async () => {
    const objects = await env.DB.prepare(`select type, name from sqlite_master where name like 'case_search%' or name like 'note_search%' order by name`).all<{ type: string; name: string }>();
    const names = objects.results.map((o) => o.name);
    expect(names).toEqual(expect.arrayContaining(["case_search", "case_search_insert", "case_search_update", "case_search_delete", "note_search", "note_search_insert", "note_search_delete"]));
    expect(names).not.toContain("case_search_event"); // a note no longer rewrites the case's row (0036)
    for (const t of ["case_search", "note_search"]) expect((await env.DB.prepare(`select sql from sqlite_master where name = ?`).bind(t).first<{ sql: string }>())!.sql).toMatch(/fts5\(.*trigram/);
  });

  it("finds the case by substring (ranked), by 受理编号 and by a two-character word", async () => {
    const find = async (q: string) => listCases(d1(), { q }, ALL, Date.now(), { pageSize: 20 });
    const ranked = await find("养殖场");
    expect(ranked.rows.map((r) => r.id)).toEqual([id]);
    expect(ranked.search).toBe("ranked");
    expect((await find("d1fts2026")).rows.map((r) => r.id)).toEqual([id]);
    expect((await find("明月村")).rows.map((r) => r.id)).toEqual([id]);
    const short = await find("粪污");
    expect(short.rows.map((r) => r.id)).toEqual([id]);
    expect(short.search).toBe("recent");
    expect((await find("不存在的词语")).rows).toEqual([]);
  });

  it("finds the case by words of its notes, alone or beside words of its own text, and not across two cases", async () => {
    const find = async (q: string) => (await listCases(d1(), { q }, ALL, Date.now(), { pageSize: 20 })).rows.map((r) => r.id);
    await note(id, "已责令养殖户建设沼气池");
    await note(id, "系统备注：自动提醒测试", "system");
    expect(await find("沼气池")).toEqual([id]);
    expect(await find("沼气")).toEqual([id]);
    expect(await find("养殖场 沼气池")).toEqual([id]); // title + note
    expect(await find("沼气池 明月")).toEqual([id]); // note + a short word of the address
    expect(await find("自动提醒")).toEqual([]);
    const now = Date.now();
    const other = await env.DB.prepare(
      `insert into cases (source, title, content, lead_unit_id, state, due_at, created_by, created_at, updated_at, write_token)
       values ('12345', '某小区污水井满溢', '污水井满溢', 1, 'in_progress', ?, 'test', ?, ?, 'fts-d1-2') returning id`,
    ).bind(now + 86_400_000, now, now).first<{ id: number }>();
    await note(other!.id, "已联系物业疏通管网");
    expect(await find("疏通管网")).toEqual([other!.id]);
    expect(await find("疏通管网 沼气池")).toEqual([]);
    expect(await find("疏通管网 养殖场")).toEqual([]);
    expect((await env.DB.prepare(`select count(*) as n from note_search where case_id = ?`).bind(id).first<{ n: number }>())!.n).toBe(1);
  });

  it("answers the 台账 search over HTTP", async () => {
    const res = await SELF.fetch(`${BASE}/dashboard/cases?q=${encodeURIComponent("粪污直排")}`, { headers: { cookie: session.cookie } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect([...html.matchAll(/data-case="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([id]);
    expect(html).toContain("按相关度排列");
  });

  it("answers a search of many words on D1 (the first five, within its 100 parameters), as the export's filter too", async () => {
    const q = "养殖场 粪污直排 气味刺鼻 河道 三组 明月村 天回镇";
    const res = await SELF.fetch(`${BASE}/dashboard/cases?q=${encodeURIComponent(q)}`, { headers: { cookie: session.cookie } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect([...html.matchAll(/data-case="(\d+)"/g)].map((m) => Number(m[1]))).toEqual([id]);
    expect(html).toContain("未用：明月村 天回镇");
    const filtered = await listCases(d1(), { q: "养殖场 粪污直排 气味刺鼻 三组 河道", state: "in_progress", unitId: 1, overdue: false, flagged: false }, ALL, Date.now(), { pageSize: 10 });
    expect(filtered.rows.map((r) => r.id)).toEqual([id]);
    const { ledgerWhere } = await import("../../src/db/ledger.js");
    const { cases } = await import("../../src/db/schema.js");
    const rows = await d1().select({ id: cases.id }).from(cases).where(ledgerWhere({ q: "养殖场 粪污直排 气味刺鼻 三组 河道", state: "in_progress", unitId: 1, overdue: false, flagged: false }, ALL, Date.now()));
    expect(rows.map((r) => r.id)).toEqual([id]);
  });

  it("follows an update and is rebuilt in chunks", async () => {
    await env.DB.prepare(`update cases set content = '河道旁堆放建筑垃圾' , title = '河道旁堆放建筑垃圾' where id = ?`).bind(id).run();
    const find = async (q: string) => (await listCases(d1(), { q }, ALL, Date.now(), { pageSize: 20 })).rows.map((r) => r.id);
    expect(await find("养殖场")).toEqual([]);
    expect(await find("建筑垃圾")).toEqual([id]);
    await env.DB.prepare(`delete from case_search`).run();
    await env.DB.prepare(`delete from note_search`).run();
    expect(await find("建筑垃圾")).toEqual([]);
    expect(await find("沼气池")).toEqual([]);
    const steps: number[] = [];
    const [{ n, top, events }] = (await env.DB.prepare(`select count(*) as n, max(id) as top, (select max(id) from case_events) as events from cases`).all<{ n: number; top: number; events: number }>()).results;
    expect(await rebuildCaseSearch(d1(), (done) => steps.push(done), 2)).toBe(n);
    // Case ids by 2, then event ids by 8 (4 × chunk).
    const by = (step: number, last: number, base: number) => Array.from({ length: Math.ceil(last / step) }, (_, i) => base + Math.min(step * (i + 1), last));
    expect(steps).toEqual([0, ...by(2, top, 0), ...by(8, events, top)]);
    expect(await find("建筑垃圾")).toEqual([id]);
    expect(await find("沼气池 建筑垃圾")).toEqual([id]);
  });
});

describe("aggregates on D1", () => {
  it("the ranking history as of now equals the current figures", async () => {
    const now = Date.now();
    const key = (rows: { unitId: number | null }[]) => [...rows].sort((a, b) => (a.unitId ?? 0) - (b.unitId ?? 0));
    const current = await statsByUnit(d1(), now);
    expect(current.length).toBeGreaterThan(0);
    expect(key(await statsByUnitAsOf(d1(), now))).toEqual(key(current));
  });
});

/**
 * 台账 at scale (issue 12): keyset pages walk every case exactly once in ledger order, deep pages go by cursor
 * (the page, the API), counting stops at COUNT_CAP and the page says so, and the queries use the ledger indexes
 * (EXPLAIN QUERY PLAN) instead of scanning and sorting the case table. Real libSQL file, the whole app.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../src/db/api-tokens.js";
import { COUNT_CAP, listCases, MAX_OFFSET_PAGE } from "../../src/db/ledger.js";
import type { Db } from "../../src/db/types.js";
import { bulkCases } from "../helpers/bulk-cases.js";
import { ORIGIN, sessionFor, webApp } from "../helpers/web.js";

let w: Awaited<ReturnType<typeof webApp>>;
let token = "";
const ALL = { all: true } as const;

const plan = async (db: Db, q: ReturnType<typeof sql>) => (await db.all<{ detail: string }>(sql`explain query plan ${q}`)).map((r) => r.detail);

beforeAll(async () => {
  w = await webApp();
  await bulkCases(w.db, 260, w.clock());
  token = (await createApiToken(w.db, { name: "分页", roles: ["dispatcher"], unitId: null, createdBy: "cli", now: w.clock() })).token;
});
afterAll(() => w.store.cleanup());

async function expected(unitId?: number): Promise<number[]> {
  const rows = await w.db.all<{ id: number }>(sql`select id from cases where state != 'cancelled' ${unitId ? sql`and lead_unit_id = ${unitId}` : sql``} order by flagged desc, id desc`);
  return rows.map((r) => r.id);
}

describe("keyset paging", () => {
  it("walks every case once, in ledger order, by cursor (with and without a unit filter)", async () => {
    for (const unitId of [undefined, 2]) {
      const seen: number[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const p = await listCases(w.db, { unitId }, ALL, w.clock(), { cursor, page: pages + 1, pageSize: 20 });
        expect(p.rows.length).toBeLessThanOrEqual(20);
        seen.push(...p.rows.map((r) => r.id));
        cursor = p.nextCursor;
        pages++;
      } while (cursor && pages < 100);
      expect(seen).toEqual(await expected(unitId));
      expect(pages).toBe(Math.ceil(seen.length / 20));
    }
  });

  it("walks a unit viewer's ledger (lead or co-unit) through the same cursor", async () => {
    await w.db.run(sql`update cases set co_unit_ids = '[2]' where created_by = 'bulk' and lead_unit_id = 1 and id % 5 = 0`);
    const want = (await w.db.all<{ id: number }>(sql`select id from cases where state != 'cancelled'
      and (lead_unit_id = 2 or exists (select 1 from json_each(co_unit_ids) where value = 2)) order by flagged desc, id desc`)).map((r) => r.id);
    expect(want.length).toBeGreaterThan(100);
    const seen: number[] = [];
    let cursor: string | undefined;
    let total = -1;
    do {
      const p = await listCases(w.db, {}, { all: false, unitId: 2 }, w.clock(), { cursor, pageSize: 30 });
      if (total < 0) total = p.total;
      seen.push(...p.rows.map((r) => r.id));
      cursor = p.nextCursor;
    } while (cursor && seen.length < 2000);
    expect(seen).toEqual(want);
    expect(total).toBe(want.length);
    await w.db.run(sql`update cases set co_unit_ids = '[]' where created_by = 'bulk'`);
  });

  it("uses the ledger index for the order and the cursor, never a sort of the case table", async () => {
    const first = await plan(w.db, sql`select * from cases where state != 'cancelled' and (flagged, id) < (1, 100) order by flagged desc, id desc limit 21`);
    expect(first.join(" | ")).toMatch(/cases_ledger_idx/);
    expect(first.join(" | ")).not.toMatch(/TEMP B-TREE/);
    const unit = await plan(w.db, sql`select * from cases where lead_unit_id = 2 and state != 'cancelled' order by flagged desc, id desc limit 21`);
    expect(unit.join(" | ")).toMatch(/cases_ledger_unit_idx/);
    expect(unit.join(" | ")).not.toMatch(/TEMP B-TREE/);
  });

  it("counts exactly below the cap", async () => {
    const p = await listCases(w.db, {}, ALL, w.clock(), { pageSize: 20 });
    expect(p).toMatchObject({ total: (await expected()).length, capped: false, page: 1 });
  });
});

describe("the page and the API", () => {
  it("links 下一页 by cursor and refuses a deep page number with a clear message", async () => {
    const s = await sessionFor(w.db, "disp", w.clock());
    const html = await (await w.app.request(`${ORIGIN}/dashboard/cases`, { headers: { cookie: s.cookie } })).text();
    const next = /href="(\/dashboard\/cases\?[^"]*cursor=[^"]*)" rel="next"/.exec(html)?.[1].replaceAll("&amp;", "&");
    expect(next).toBeDefined();
    const page2 = await (await w.app.request(`${ORIGIN}${next}`, { headers: { cookie: s.cookie } })).text();
    const ids = (h: string) => [...h.matchAll(/data-case="(\d+)"/g)].map((m) => Number(m[1]));
    expect(ids(page2)).toEqual((await expected()).slice(20, 40));
    const deep = await w.app.request(`${ORIGIN}/dashboard/cases?page=${MAX_OFFSET_PAGE + 1}`, { headers: { cookie: s.cookie } });
    expect(deep.status).toBe(400);
    expect(await deep.text()).toContain("cursor");
  });

  it("gives nextCursor in the API and walks the same order", async () => {
    const call = async (qs: string) => (await w.app.request(`${ORIGIN}/api/v1/cases${qs}`, { headers: { authorization: `Bearer ${token}` } })).json() as Promise<Record<string, any>>;
    const seen: number[] = [];
    let r = await call("?pageSize=100");
    seen.push(...r.items.map((c: { id: number }) => c.id));
    while (r.nextCursor) {
      r = await call(`?pageSize=100&cursor=${r.nextCursor}`);
      seen.push(...r.items.map((c: { id: number }) => c.id));
    }
    expect(seen).toEqual(await expected());
    expect(r).toMatchObject({ totalCapped: false, nextCursor: null });
    const bad = await w.app.request(`${ORIGIN}/api/v1/cases?cursor=abc`, { headers: { authorization: `Bearer ${token}` } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("翻页位置无效");
  });
});

describe("counting stops at COUNT_CAP", () => {
  it("says 约 1 万+ and still pages", async () => {
    await bulkCases(w.db, COUNT_CAP + 1500, w.clock(), "大量"); // 1 in 11 is cancelled
    const p = await listCases(w.db, {}, ALL, w.clock(), { pageSize: 20 });
    expect(p).toMatchObject({ total: COUNT_CAP, capped: true });
    expect(p.nextCursor).toBeDefined();
    const s = await sessionFor(w.db, "disp", w.clock());
    const html = await (await w.app.request(`${ORIGIN}/dashboard/cases`, { headers: { cookie: s.cookie } })).text();
    expect(html).toContain("约 1 万+");
    // The count reads at most COUNT_CAP + 1 rows: its plan is a LIMITed subquery over an index, not a table scan.
    const count = await plan(w.db, sql`select count(*) from (select 1 from cases where state != 'cancelled' limit ${COUNT_CAP + 1})`);
    expect(count.join(" | ")).not.toMatch(/SCAN cases$/);
  });
});

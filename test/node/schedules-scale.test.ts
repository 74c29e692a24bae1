/**
 * Issue 12 item 1 on Node: the aggregates kept by triggers agree with a scan of the cases after every kind of
 * write (and with a rebuild), and a scheduled run loads into JS no more rows when closed history grows tenfold.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batches, cases } from "../../src/db/schema.js";
import { statsByBatch, statsBySource, statsByUnit } from "../../src/db/stats.js";
import { figuresByBatch, figuresBySource, figuresByUnit, overdueList, rebuildUnitDayStats } from "../../src/db/unit-day-stats.js";
import { DEFAULT_POLICY } from "../../src/domain/policy.js";
import { runScheduled } from "../../src/schedules/run.js";
import { U } from "../helpers/fixture.js";
import { cst, insertCases, schedBench, type Bench } from "../helpers/schedules.js";

let b: Bench;
afterAll(() => b?.cleanup());

/** Both tables, sorted, for comparing one state with another. */
async function snapshot(db: Bench["db"]) {
  return {
    totals: await db.all(sql`select * from case_totals where total != 0 or closed != 0 or open != 0 or rebounds != 0 order by unit_id, source, batch_id`),
    days: await db.all(sql`select * from unit_day_stats where received != 0 or closed != 0 or due_open != 0 order by unit_id, day`),
  };
}

/** unit_day_stats recomputed in plain code from the rows (what each column means, src/db/unit-day-stats.ts). */
async function daysFromRows(db: Bench["db"]) {
  const day = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
  const m = new Map<string, { unit_id: number; day: string; received: number; closed: number; staged: number; closed_on_time: number; due_open: number }>();
  const row = (u: number | null, d: string) => {
    const k = `${u ?? 0}|${d}`;
    if (!m.has(k)) m.set(k, { unit_id: u ?? 0, day: d, received: 0, closed: 0, staged: 0, closed_on_time: 0, due_open: 0 });
    return m.get(k)!;
  };
  for (const c of await db.select().from(cases)) {
    if (c.state === "cancelled") continue;
    row(c.leadUnitId, day(c.createdAt)).received++;
    if (c.state === "closed" && c.closedAt !== null) {
      const r = row(c.leadUnitId, day(c.closedAt));
      r.closed++;
      if (c.outcome === "staged") r.staged++;
      if (c.dueAt === null || c.closedAt <= c.dueAt) r.closed_on_time++;
    }
    if (["pending_ack", "in_progress", "returned"].includes(c.state) && c.dueAt !== null) row(c.leadUnitId, day(c.dueAt)).due_open++;
  }
  return [...m.values()].filter((r) => r.received || r.closed || r.due_open).sort((a, b) => a.unit_id - b.unit_id || (a.day < b.day ? -1 : 1));
}

describe("case_totals and unit_day_stats", () => {
  beforeAll(async () => {
    b = await schedBench("2026-12-01 07:00");
  });

  it("agree with a scan of the cases after inserts, closures, reopenings, reassignments, cancellations and deletes", async () => {
    const [batch] = await b.db.insert(batches).values({ name: "第一批", source: "中央督察", receivedOn: "2026-11-01" }).returning();
    const due = cst("2026-11-27 23:59");
    const t0 = cst("2026-11-02 10:00");
    const ids = [
      ...(await insertCases(b.db, 6, { leadUnitId: U.hehuachi, dueAt: due, createdAt: t0, batchId: batch.id, source: "中央督察" })),
      ...(await insertCases(b.db, 5, { leadUnitId: U.simaqiao, dueAt: due + 5 * 86_400_000, createdAt: t0 + 86_400_000, state: "pending_ack" })),
      ...(await insertCases(b.db, 3, { leadUnitId: U.chengguan, dueAt: due, createdAt: t0, state: "returned", reboundCount: 1 })),
    ];
    const set = (id: number, v: Partial<typeof cases.$inferInsert>) => b.db.update(cases).set(v).where(sql`id = ${id}`);
    await set(ids[0], { state: "closed", closedAt: due - 1000, outcome: "closed" });
    await set(ids[1], { state: "closed", closedAt: due + 86_400_000, outcome: "staged" });
    await set(ids[2], { state: "closed", closedAt: due - 1000 });
    await set(ids[2], { state: "in_progress", closedAt: null, reboundCount: 1 }); // 反弹: reopened
    await set(ids[3], { leadUnitId: U.simaqiao }); // 改派
    await set(ids[4], { state: "cancelled" });
    await set(ids[6], { dueAt: due - 3 * 86_400_000 }); // a new deadline
    await set(ids[7], { state: "pending_review" });
    await set(ids[11], { leadUnitId: null });
    await b.db.run(sql`delete from cases where id = ${ids[12]}`);
    const now = cst("2026-12-01 08:30");
    expect(await figuresByUnit(b.db, now)).toEqual(await statsByUnit(b.db, now));
    expect(await figuresBySource(b.db, now)).toEqual(await statsBySource(b.db, now));
    expect(await figuresByBatch(b.db, now)).toEqual(await statsByBatch(b.db, now));
    expect((await snapshot(b.db)).days).toEqual(await daysFromRows(b.db));
    const list = await overdueList(b.db, now, 3);
    expect(list.length).toBe(3);
    expect(list.map((c) => c.dueAt)).toEqual([...list.map((c) => c.dueAt)].sort((x, y) => x - y));
  });

  it("are rebuilt to the same rows, idempotently, with progress in cases", async () => {
    const before = await snapshot(b.db);
    await b.db.run(sql`update case_totals set total = total + 7`); // drifted (e.g. rows loaded with the triggers absent)
    const seen: [number, number][] = [];
    await rebuildUnitDayStats(b.db, (done, total) => seen.push([done, total]));
    expect(await snapshot(b.db)).toEqual(before);
    await rebuildUnitDayStats(b.db);
    expect(await snapshot(b.db)).toEqual(before);
    const [{ n }] = await b.db.all<{ n: number }>(sql`select count(*) as n from cases`);
    expect(seen.at(-1)).toEqual([n, n]);
  });
});

describe("a scheduled run's rows in memory", () => {
  let s: Bench;
  const rowsPerRun: number[] = [];
  const processed: number[] = [];
  afterAll(() => s?.cleanup());

  /** Every row the database hands to JS during one run (the libSQL client is the one place they all pass). */
  async function measured(at: string) {
    const client = s.t.client as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    const [execute, batch] = [client.execute, client.batch];
    let rows = 0;
    const count = (r: unknown) => (rows += Array.isArray(r) ? r.reduce((a: number, x: { rows?: unknown[] }) => a + (x?.rows?.length ?? 0), 0) : ((r as { rows?: unknown[] })?.rows?.length ?? 0));
    let lastResult: unknown;
    client.execute = async (...a) => {
      lastResult = await execute.apply(client, a);
      count(lastResult);
      return lastResult;
    };
    client.batch = async (...a) => {
      const r = await batch.apply(client, a);
      count(r);
      return r;
    };
    try {
      s.clock.set(cst(at));
      const r = await runScheduled(s.deps, cst(at));
      processed.push(r.run?.processed ?? -1);
    } finally {
      Object.assign(client, { execute, batch });
    }
    rowsPerRun.push(rows);
  }

  /** Closed cases by SQL, all closed long before any patrol window. */
  const history = (n: number) =>
    s.db.run(sql`with recursive i(k) as (select 1 union all select k + 1 from i where k < ${n})
      insert into cases (source, title, content, lead_unit_id, state, due_at, closed_at, outcome, created_by, created_at, updated_at, write_token)
      select '12345', '旧案' || k, '历史', 1 + k % 3, 'closed', ${cst("2025-06-30 23:59")}, ${cst("2025-01-01 10:00")} + (k % 150) * 86400000, 'closed',
        'disp', ${cst("2025-01-01 09:00")}, 0, 'hist-' || ${n} || '-' || k from i`);

  it("does not grow when closed history grows tenfold", async () => {
    s = await schedBench("2026-11-30 07:00");
    const due = cst("2026-11-20 23:59");
    await insertCases(s.db, 120, { leadUnitId: U.hehuachi, dueAt: due, officerUserId: "hh.officer" });
    await insertCases(s.db, 120, { leadUnitId: U.simaqiao, dueAt: due });
    await history(2_000);
    await measured("2026-11-30 08:30"); // Monday: reports too; not compared
    await measured("2026-12-01 08:30");
    await history(20_000);
    await measured("2026-12-02 08:30");
    console.log(`[schedules-scale] rows into JS per run: ${rowsPerRun.join(", ")}; processed ${processed.join(", ")}`);
    expect(processed.slice(1)).toEqual([DEFAULT_POLICY.runBudgetItems, DEFAULT_POLICY.runBudgetItems]);
    expect(rowsPerRun[2]).toBeLessThanOrEqual(rowsPerRun[1] + 5);
    expect(rowsPerRun[2]).toBeGreaterThan(DEFAULT_POLICY.runBudgetItems); // the meter does see the run
  }, 120_000);
});

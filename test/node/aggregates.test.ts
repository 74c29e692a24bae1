/**
 * 总览, 单位排名 (with history) and 统计 read the aggregate tables (issue 12). On a seeded file (the demo district,
 * 300 bulk cases and a set of changes made by SQL: closures on and after the deadline, cancellations, moves
 * between units) every figure equals a straightforward recount over the cases, and no query the aggregate path
 * runs scans the case table (EXPLAIN QUERY PLAN of each statement it sends).
 */
import { createClient } from "@libsql/client";
import { sql, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/libsql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema.js";
import { seedDemo } from "../../src/db/seed-demo.js";
import { flowByWindow, overdueCases, overviewFigures, rankingFigures, statsBySource, statsByBatch, statsByUnit, statsByUnitAsOf } from "../../src/db/stats.js";
import type { Db } from "../../src/db/types.js";
import { rebuildUnitDayStats } from "../../src/db/unit-day-stats.js";
import { lastWeeks, pastWeekEnds } from "../../src/web/pages/weeks.js";
import { bulkCases } from "../helpers/bulk-cases.js";
import { tempDb } from "../helpers/db.js";

const NOW = Date.parse("2026-12-01T05:00:00Z");
const TZ = "Asia/Shanghai";
let store: Awaited<ReturnType<typeof tempDb>>;
let db: Db;

beforeAll(async () => {
  store = await tempDb();
  db = store.db;
  await seedDemo(db, { now: NOW });
  await bulkCases(db, 300, NOW - 40 * 86_400_000);
  // Changes through every trigger path: closed on time, closed late, staged, cancelled, moved to another unit.
  await db.run(sql`update cases set state = 'closed', outcome = 'closed', closed_at = due_at - 3600000 where created_by = 'bulk' and id % 5 = 1`);
  await db.run(sql`update cases set state = 'closed', outcome = 'staged', closed_at = due_at + 86400000 where created_by = 'bulk' and id % 5 = 2`);
  await db.run(sql`update cases set state = 'cancelled' where created_by = 'bulk' and id % 13 = 0`);
  await db.run(sql`update cases set lead_unit_id = 3, rebound_count = 1 where created_by = 'bulk' and id % 17 = 0`);
  await db.run(sql`update cases set due_at = ${NOW} - 5 * 86400000 where created_by = 'bulk' and id % 9 = 4 and state = 'in_progress'`);
  // Open cases due on the day of a snapshot: earlier that day (overdue then) and later the same day (not yet).
  const weekEnd = pastWeekEnds(NOW, TZ, 8)[2].at;
  await db.run(sql`update cases set due_at = ${NOW} - 3600000 where created_by = 'bulk' and id % 23 = 3 and state = 'in_progress'`);
  await db.run(sql`update cases set due_at = ${NOW} + 3600000 where created_by = 'bulk' and id % 31 = 6 and state = 'in_progress'`);
  await db.run(sql`update cases set due_at = ${weekEnd} - 5 * 3600000 where created_by = 'bulk' and id % 29 = 5 and state = 'in_progress'`);
});
afterAll(() => store.cleanup());

type Row = { unitId?: number | null; key?: string | null };
const sorted = <T extends Row>(rows: T[]) => [...rows].sort((a, b) => String(a.unitId ?? a.key ?? "").localeCompare(String(b.unitId ?? b.key ?? "")));

/** The straightforward recount: one pass over the cases, as db/stats.ts did before the aggregates. */
async function recount(group: SQL, now: number, where: SQL = sql``) {
  const rows = await db.all<Record<string, number | string | null>>(sql`
    select ${group} as k, count(*) as total, sum(state = 'closed') as closed, sum(state = 'closed' and outcome = 'staged') as staged,
      sum(state in ('pending_ack','in_progress','pending_review','returned')) as open,
      sum(state in ('pending_ack','in_progress','pending_review','returned') and due_at < ${now}) as overdue,
      sum(state = 'closed' and (due_at is null or closed_at <= due_at)) as closedOnTime, sum(rebound_count) as rebounds
    from cases where state != 'cancelled' ${where} group by 1`);
  return rows.map((r) => {
    const [total, closed, onTime] = [Number(r.total), Number(r.closed), Number(r.closedOnTime)];
    return {
      k: r.k,
      total, closed, staged: Number(r.staged ?? 0), open: Number(r.open ?? 0), overdue: Number(r.overdue ?? 0), closedOnTime: onTime, rebounds: Number(r.rebounds ?? 0),
      completionRate: total ? closed / total : 0,
      onTimeRate: closed ? onTime / closed : 0,
    };
  });
}

describe("current figures equal a recount", () => {
  it("per unit, for the district and for each unit", async () => {
    const want = (await recount(sql`lead_unit_id`, NOW)).map(({ k, ...f }) => ({ unitId: k as number | null, ...f }));
    expect(want.length).toBeGreaterThan(3);
    expect(sorted(await statsByUnit(db, NOW))).toEqual(sorted(want));
    for (const w of want.filter((x) => x.unitId !== null)) expect(await statsByUnit(db, NOW, w.unitId!)).toEqual([w]);
  });

  it("per source and per batch, also within one unit", async () => {
    const key = (rows: { k: unknown }[]) => rows.map(({ k, ...f }) => ({ key: k as string | null, ...f }));
    expect(sorted(await statsBySource(db, NOW))).toEqual(sorted(key(await recount(sql`source`, NOW))));
    expect(sorted(await statsByBatch(db, NOW))).toEqual(sorted(key(await recount(sql`(select name from batches b where b.id = cases.batch_id)`, NOW))));
    expect(sorted(await statsBySource(db, NOW, 2))).toEqual(sorted(key(await recount(sql`source`, NOW, sql`and lead_unit_id = 2`))));
    for (const unit of [undefined, 2]) {
      const o = await overviewFigures(db, NOW, unit); // 总览: both tables from one pass
      expect(sorted(o.units)).toEqual(sorted(await statsByUnit(db, NOW, unit)));
      expect(o.sources).toEqual(await statsBySource(db, NOW, unit));
    }
  });

  it("the overdue list agrees with the count, most overdue first", async () => {
    const want = await db.all<{ id: number }>(sql`select id from cases where state in ('pending_ack','in_progress','pending_review','returned') and due_at < ${NOW} order by due_at, id`);
    expect(want.length).toBeGreaterThan(10);
    expect((await overdueCases(db, NOW)).map((o) => o.id)).toEqual(want.map((r) => r.id));
    expect((await overdueCases(db, NOW, undefined, 10)).map((o) => o.id)).toEqual(want.slice(0, 10).map((r) => r.id));
  });
});

describe("per-day figures equal a recount", () => {
  it("the 12-week trend: received and closed per week", async () => {
    const weeks = lastWeeks(NOW, TZ, 12);
    const want = await Promise.all(
      weeks.map(async (w) => {
        const [r] = await db.all<{ received: number; closed: number }>(sql`select
          (select count(*) from cases where state != 'cancelled' and created_at >= ${w.start} and created_at < ${w.end}) as received,
          (select count(*) from cases where state = 'closed' and closed_at >= ${w.start} and closed_at < ${w.end}) as closed`);
        return { received: Number(r.received), closed: Number(r.closed) };
      }),
    );
    expect(want.reduce((a, x) => a + x.received + x.closed, 0)).toBeGreaterThan(100);
    expect(await flowByWindow(db, weeks)).toEqual(want);
  });

  it("ranking history: the figures as of each past week end and now", async () => {
    const asOf = async (at: number) => {
      const endOfDay = Math.floor((at + 8 * 3_600_000) / 86_400_000) * 86_400_000 + 16 * 3_600_000; // next UTC+8 midnight
      const rows = await recount(sql`lead_unit_id`, at, sql`and created_at < ${endOfDay}`);
      // Closed by that day; open = not (yet) closed; overdue = open now and due before `at`; rebounds as today.
      const closedBy = await db.all<{ k: number | null; closed: number; staged: number; onTime: number }>(sql`
        select lead_unit_id as k, count(*) as closed, sum(outcome = 'staged') as staged, sum(due_at is null or closed_at <= due_at) as onTime
        from cases where state = 'closed' and closed_at < ${endOfDay} group by 1`);
      const c = new Map(closedBy.map((r) => [r.k, r]));
      return rows.map(({ k, total, overdue, rebounds }) => {
        const x = c.get(k as number | null);
        const [closed, onTime] = [Number(x?.closed ?? 0), Number(x?.onTime ?? 0)];
        return { unitId: k as number | null, total, closed, staged: Number(x?.staged ?? 0), open: total - closed, overdue, closedOnTime: onTime, rebounds, completionRate: total ? closed / total : 0, onTimeRate: closed ? onTime / closed : 0 };
      });
    };
    const ends = pastWeekEnds(NOW, TZ, 8).map((w) => w.at);
    for (const at of [NOW, ...ends]) expect(sorted(await statsByUnitAsOf(db, at))).toEqual(sorted(await asOf(at)));
    expect(sorted(await statsByUnitAsOf(db, NOW))).toEqual(sorted(await statsByUnit(db, NOW)));
    // The ranking page's one call (case_totals read once for both columns) gives the same figures.
    const now = await rankingFigures(db, NOW, undefined, ends[0]);
    expect(sorted(now.rows)).toEqual(sorted(await statsByUnit(db, NOW)));
    expect(sorted(now.prev)).toEqual(sorted(await asOf(ends[0])));
    const past = await rankingFigures(db, NOW, ends[1], ends[2]);
    expect(sorted(past.rows)).toEqual(sorted(await asOf(ends[1])));
    expect(sorted(past.prev)).toEqual(sorted(await asOf(ends[2])));
  });
});

describe("no query of the aggregate path scans the case table", () => {
  it("EXPLAIN QUERY PLAN of every statement sent", async () => {
    const client = createClient({ url: `file:${store.dir}/test.db` });
    const sent: { sql: string; params: unknown[] }[] = [];
    const logged = drizzle(client, { schema, logger: { logQuery: (q, params) => sent.push({ sql: q, params }) } }) as unknown as Db;
    await statsByUnit(logged, NOW);
    await overviewFigures(logged, NOW);
    await statsByUnit(logged, NOW, 2);
    await statsBySource(logged, NOW, 2);
    await statsByBatch(logged, NOW);
    await overdueCases(logged, NOW, 2, 10);
    await flowByWindow(logged, lastWeeks(NOW, TZ, 12));
    await statsByUnitAsOf(logged, pastWeekEnds(NOW, TZ, 8)[7].at);
    expect(sent.length).toBeGreaterThanOrEqual(12);
    for (const q of sent) {
      const plan = (await client.execute({ sql: `explain query plan ${q.sql}`, args: q.params as never })).rows.map((r) => String(r.detail));
      // Full scans are allowed only of the small aggregate tables and the partial index of open cases.
      for (const step of plan) expect(step, q.sql).not.toMatch(/^SCAN (cases|c)\b(?! USING (COVERING )?INDEX cases_open_(due|group)_idx)/);
      expect(plan.join(" | "), q.sql).toMatch(/case_totals|unit_totals|unit_day_stats|cases_open_(due|group)_idx/);
    }
    client.close();
  });
});

describe("unit_totals (migration 0034)", () => {
  const perUnit = () =>
    db.all<Record<string, number>>(sql`select unit_id as u, sum(total) as t, sum(closed) as c, sum(staged) as s, sum(open) as o, sum(closed_on_time) as ot, sum(rebounds) as r from case_totals group by unit_id having sum(total) > 0 or sum(rebounds) > 0 order by 1`);
  const kept = () => db.all<Record<string, number>>(sql`select unit_id as u, total as t, closed as c, staged as s, open as o, closed_on_time as ot, rebounds as r from unit_totals where total > 0 or rebounds > 0 order by 1`);

  it("equals case_totals summed per unit after inserts, moves between units, cancellations and deletes", async () => {
    expect((await kept()).length).toBeGreaterThan(3);
    expect(await kept()).toEqual(await perUnit());
    await db.run(sql`update cases set lead_unit_id = 4 where created_by = 'bulk' and id % 7 = 3`); // case_totals rows change unit
    await db.run(sql`delete from cases where created_by = 'bulk' and id % 11 = 0`);
    expect(await kept()).toEqual(await perUnit());
  });

  it("is rebuilt by reindex even when it had drifted", async () => {
    await db.run(sql`update unit_totals set total = total + 5`);
    await rebuildUnitDayStats(db);
    expect(await kept()).toEqual(await perUnit());
  });
});

/**
 * Issue 12 item 1 in workerd: what a scheduled run costs on Workers as the case table grows, measured on the
 * D1 binding (rows D1 read, rows handed to the isolate). Cases are grown by SQL (the stats triggers keep the
 * aggregates). Work must not grow with closed history, and grows with open cases by a bounded amount per case,
 * so a city's million (100 k open) extrapolates within the 30 s CPU and 128 MB of a scheduled invocation.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema.js";
import type { Db } from "../../src/db/types.js";
import { DEFAULT_POLICY } from "../../src/domain/policy.js";
import worker from "../../src/runtime/worker.js";
import { meterD1 } from "../helpers/d1-meter.js";
import { seedFixture } from "../helpers/seed-fixture.js";

const DAY = 86_400_000;
const cst = (ymd: string, hm = "08:30") => Date.parse(`${ymd}T${hm}:00+08:00`);

/** Grow the table by SQL, `n` rows at a time through a recursive CTE: open cases (half overdue) or closed ones. */
async function grow(kind: "open" | "closed", n: number, tag: string, closedFrom: number, closedDays: number) {
  for (let done = 0; done < n; done += 2000) {
    const k = Math.min(2000, n - done);
    const open = kind === "open";
    await env.DB.prepare(
      `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?1)
       INSERT INTO cases (source, title, content, lead_unit_id, officer_user_id, state, due_at, closed_at, outcome, created_by, created_at, updated_at, write_token)
       SELECT CASE i % 3 WHEN 0 THEN '12345' WHEN 1 THEN '中央督察' ELSE '12369' END, '案件' || i, '按 SQL 生成', 1 + i % 3,
         CASE WHEN i % 3 = 0 THEN 'hh.officer' END, ?2,
         CASE WHEN ?3 THEN (CASE WHEN i % 2 = 0 THEN ?4 ELSE ?5 END) ELSE ?6 + (i % ?7) * 86400000 + 3600000 END,
         CASE WHEN ?3 THEN NULL ELSE ?6 + (i % ?7) * 86400000 END, CASE WHEN ?3 THEN NULL ELSE 'closed' END,
         'disp', ?6 - 10 * 86400000, ?6, ?8 || '-' || i FROM s`,
    )
      .bind(k, open ? "in_progress" : "closed", open ? 1 : 0, cst("2026-11-20", "23:59"), cst("2027-01-29", "23:59"), closedFrom, closedDays, `${tag}-${done}`)
      .run();
  }
}

type Cost = { statements: number; rowsRead: number; rowsReturned: number };

/** The Worker's own scheduled handler on a metered D1 binding; returns what the run cost. */
async function morning(ymd: string): Promise<Cost> {
  const meter = meterD1(env.DB);
  const ctx = createExecutionContext();
  await worker.scheduled({ scheduledTime: cst(ymd), cron: "* * * * *", noRetry() {} } as ScheduledController, { ...env, DB: meter.binding }, ctx);
  await waitOnExecutionContext(ctx);
  return meter.totals();
}

const costs: Record<string, Cost> = {};
const OPEN = 300;

describe("a scheduled run's cost on D1 as cases grow", () => {
  beforeAll(async () => {
    await seedFixture(drizzle(env.DB, { schema }) as unknown as Db);
    // The shape of a city's table at 1/300 scale: a tenth open (half of them overdue), the rest closed this year.
    await grow("open", OPEN, "open1", 0, 1);
    await grow("closed", OPEN * 9, "closed1", cst("2026-06-01"), 180);
    await morning("2026-11-30"); // Monday: the week's and the month's first morning, with its reports (not measured)
    costs.base = await morning("2026-12-01");
    // Ten times the closed history (older than every patrol window): nothing a run reads may grow with it.
    await grow("closed", OPEN * 90, "closed2", cst("2024-01-01"), 500);
    costs.history = await morning("2026-12-02");
    // Ten times the open cases: the run still reminds one budget's worth; counting the rest costs a few rows each.
    await grow("open", OPEN * 9, "open2", 0, 1);
    costs.open = await morning("2026-12-03");
    console.log(`[schedules-cost] ${JSON.stringify(costs)}`);
  }, 240_000);

  it("keeps the aggregates in step with the cases grown by SQL", async () => {
    const t = await env.DB.prepare("select sum(total) as total, sum(closed) as closed, sum(open) as open from case_totals").first<{ total: number; closed: number; open: number }>();
    expect(t).toEqual({ total: OPEN * 109, closed: OPEN * 99, open: OPEN * 10 });
  });

  it("did remind: every overdue case on the mornings before, one budget's worth once there are more", async () => {
    const reminded = async (day: string) =>
      (await env.DB.prepare("select count(distinct substr(target, 1, instr(target, '@') - 1)) as n from schedule_slots where job = 'overdue' and slot = ?").bind(day).first<{ n: number }>())?.n;
    expect([await reminded("2026-12-01"), await reminded("2026-12-02"), await reminded("2026-12-03")]).toEqual([OPEN / 2, OPEN / 2, DEFAULT_POLICY.runBudgetItems]);
  });

  it("reads no more when closed history grows tenfold", () => {
    // Same working morning, same open cases: D1's rows read and the rows handed to the isolate stay put.
    expect(costs.history.rowsReturned).toBeLessThanOrEqual(costs.base.rowsReturned * 1.05 + 20);
    expect(costs.history.rowsRead).toBeLessThanOrEqual(costs.base.rowsRead * 1.1 + 200);
  });

  it("grows by a bounded number of rows per open case, and hands the isolate about one budget of rows", () => {
    const added = OPEN * 9;
    const perOpen = (costs.open.rowsRead - costs.history.rowsRead) / added;
    // Documented bound (docs/performance.md): ≤ 25 rows read per open case per run (index entries counted,
    // sorted and probed against today's slots). At a city's 100 k open cases that is ≤ 2.5 M rows in D1.
    expect(perOpen).toBeLessThanOrEqual(25);
    // The isolate receives the cases it reminds (≤ the run budget, a few rows each) plus fixed lookups.
    const budget = DEFAULT_POLICY.runBudgetItems;
    expect(costs.open.rowsReturned).toBeLessThanOrEqual(costs.history.rowsReturned + 4 * budget);
    console.log(`[schedules-cost] per open case: ${perOpen.toFixed(2)} rows read; at 100 k open ≈ ${((costs.history.rowsRead + perOpen * 100_000) / 1e6).toFixed(2)} M rows read per run`);
  });
});

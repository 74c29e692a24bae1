/** The Workers `scheduled` handler inside workerd against D1: the morning run once, whatever fires twice or at once. */
import { SELF, env } from "cloudflare:test";
import { renderWecom } from "../../src/bot/wecom/render.js";
import type { Message } from "../../src/domain/message.js";
import { drizzle } from "drizzle-orm/d1";
import { beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema.js";
import type { Db } from "../../src/db/types.js";
import { U, seedFixture } from "../helpers/seed-fixture.js";
import { parseTarget } from "../../src/domain/targets.js";

type Scheduler = { scheduled(o: { scheduledTime: Date; cron: string }): Promise<{ outcome: string }> };
const fire = (iso: string) => (SELF as unknown as Scheduler).scheduled({ scheduledTime: new Date(iso), cron: "* * * * *" });

const DUE = Date.parse("2026-11-27T15:59:59.999Z"); // end of Friday 11-27 in Asia/Shanghai

async function scheduledRows() {
  const out = await env.DB.prepare("select target, payload from outbox where idempotency_key like 'sched:%' order by id").all<{ target: string; payload: string }>();
  return out.results.map((r) => ({ target: parseTarget(r.target).chatId, markdown: renderWecom((JSON.parse(r.payload) as { message: Message }).message) }));
}

describe("Cron Trigger → runScheduled → runDue in workerd", () => {
  beforeAll(async () => {
    const db = drizzle(env.DB, { schema }) as unknown as Db;
    await seedFixture(db);
    const c = (id: number, unit: number, officer: string | null) => ({
      id, source: "12345", title: `逾期案件${id}`, content: "测试", leadUnitId: unit, officerUserId: officer, state: "in_progress" as const,
      dueAt: DUE, createdBy: "disp", createdAt: 0, updatedAt: 0, writeToken: `w-${id}`,
    });
    await db.insert(schema.cases).values([c(101, U.hehuachi, "hh.officer"), c(102, U.hehuachi, "hh.officer"), c(103, U.simaqiao, null)]);
  });

  it("stays quiet before 08:30 CST on a working day (00:29Z)", async () => {
    expect((await fire("2026-12-01T00:29:00Z")).outcome).toBe("ok");
    expect(await scheduledRows()).toEqual([]);
  });

  it("sends one morning message per group at 08:30 CST (00:30Z), with each overdue case once and each person @-ed once", async () => {
    expect((await fire("2026-12-01T00:30:00Z")).outcome).toBe("ok");
    const rows = await scheduledRows();
    expect(rows.map((r) => r.target).sort()).toEqual(["g-command", "g-hh", "g-sm"]);
    const hh = rows.find((r) => r.target === "g-hh")!.markdown;
    expect(hh.startsWith("**荷花池街道 · 每日通报 12月1日(周二)**")).toBe(true);
    expect(hh).toContain("**#101** 逾期案件101 逾期");
    expect(hh).toContain("**#102** 逾期案件102 逾期");
    const mentions = await env.DB.prepare("select target from schedule_slots where job = 'mention' order by target").all<{ target: string }>();
    expect(mentions.results.map((m) => m.target)).toEqual(["hh.head#1", "hh.officer#1", "sm.head#1", "sm.officer#1"]);
  });

  it("changes nothing when the same scheduledTime fires again, three times at once, and 1 s later", async () => {
    expect((await fire("2026-12-01T00:30:00Z")).outcome).toBe("ok");
    const outcomes = await Promise.all([fire("2026-12-01T00:30:00Z"), fire("2026-12-01T00:30:00Z"), fire("2026-12-01T00:30:00Z")]);
    expect(outcomes.map((o) => o.outcome)).toEqual(["ok", "ok", "ok"]);
    expect((await fire("2026-12-01T00:30:01Z")).outcome).toBe("ok");
    expect((await scheduledRows()).length).toBe(3);
    const slots = await env.DB.prepare("select job, count(*) as n from schedule_slots group by job order by job").all<{ job: string; n: number }>();
    expect(Object.fromEntries(slots.results.map((s) => [s.job, s.n]))).toEqual({ calendar_plan: 1, digest: 3, mention: 4, monthly: 3, morning: 1, overdue: 3, weekly: 3 }); // 2027's plan is missing on 1 Dec: told once
  });

  it("hands what it queued to the relay in the same invocation, and sends nothing at 21:00 CST (13:00Z)", async () => {
    // Whatever the channel answers (sent, or failed for a group without a robot), each row was attempted once.
    const tried = await env.DB.prepare("select count(*) as n from outbox where idempotency_key like 'sched:%' and attempts = 1").first<{ n: number }>();
    expect(tried?.n).toBe(3);
    expect((await fire("2026-12-01T13:00:00Z")).outcome).toBe("ok");
    expect((await scheduledRows()).length).toBe(3);
  });

  it("puts 16:00:00Z on the next business day: the next morning is Wednesday's", async () => {
    expect((await fire("2026-12-01T16:00:00Z")).outcome).toBe("ok");
    expect((await fire("2026-12-02T00:30:00Z")).outcome).toBe("ok");
    const rows = await scheduledRows();
    expect(rows.length).toBe(6);
    expect(rows.slice(3).find((r) => r.target === "g-hh")!.markdown.startsWith("**荷花池街道 · 每日通报 12月2日(周三)**")).toBe(true);
  });
});

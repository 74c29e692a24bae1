/** Test bench for the schedules: a migrated district, a settable clock, ticks, and readers for what was queued. */
import { asc, eq } from "drizzle-orm";
import { cases, outbox, policies, scheduleSlots } from "../../src/db/schema.js";
import type { Db } from "../../src/db/types.js";
import type { Deps } from "../../src/deps.js";
import { localDate } from "../../src/domain/calendar.js";
import type { Message } from "../../src/domain/message.js";
import { parseTarget } from "../../src/domain/targets.js";
import { renderWecom } from "../../src/bot/wecom/render.js";
import { runDue, type RunResult } from "../../src/schedules/run-due.js";
import { tempDb } from "./db.js";
import { seedFixture, testClock, testDeps } from "./fixture.js";

export const TZ = "Asia/Shanghai";
/** An instant from a Shanghai wall time, "2026-09-28 08:30". */
export const cst = (s: string) => Date.parse(`${s.replace(" ", "T")}:00+08:00`);
export const dayOf = (ms: number) => localDate(ms, TZ);

/** A scheduled message as WeCom would show it: `markdown` is the neutral payload rendered (mentions apart). */
export type Msg = { id: number; chatId: string; target: string; at: number; day: string; markdown: string; mentions: string[]; key: string; message: Message };

export async function schedBench(start: string) {
  const t = await tempDb();
  await seedFixture(t.db);
  const clock = testClock(cst(start));
  const deps: Deps = await testDeps(t.db, t.dir, clock);
  return {
    t,
    db: t.db as Db,
    deps,
    clock,
    /** Run the schedules at a Shanghai wall time or an instant; the clock moves there first. */
    async tick(when: string | number): Promise<RunResult> {
      const at = typeof when === "number" ? when : cst(when);
      clock.set(at);
      return runDue(deps, at);
    },
    async messages(): Promise<Msg[]> {
      const rows = await t.db.select().from(outbox).where(eq(outbox.channel, "group")).orderBy(asc(outbox.id));
      return rows
        .filter((r) => r.idempotencyKey.startsWith("sched:"))
        .map((r) => {
          const p = r.payload as { message: Message; mentions: string[] };
          const markdown = renderWecom(p.message);
          return { id: r.id, chatId: parseTarget(r.target).chatId, target: r.target, at: r.createdAt, day: dayOf(r.createdAt), markdown, mentions: p.mentions, key: r.idempotencyKey, message: p.message };
        });
    },
    async slots() {
      return t.db.select().from(scheduleSlots);
    },
    async setPolicy(key: string, value: unknown) {
      await t.db.insert(policies).values({ key, value, updatedAt: 0, updatedBy: "test" }).onConflictDoUpdate({ target: policies.key, set: { value } });
    },
    cleanup: () => t.cleanup(),
  };
}
export type Bench = Awaited<ReturnType<typeof schedBench>>;

/** Case numbers named in a message ("#12"), in order of appearance, duplicates kept. */
export const caseNumbers = (markdown: string) => [...markdown.matchAll(/#(\d+)/g)].map((m) => Number(m[1]));

/** Mentions per person per business day across all scheduled messages. */
export function mentionsPerDay(msgs: Msg[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of msgs) for (const u of x.mentions) m.set(`${x.day} ${u}`, (m.get(`${x.day} ${u}`) ?? 0) + 1);
  return m;
}

let seq = 0;
/** Insert open cases directly (fast, for volume tests); returns their ids. */
export async function insertCases(db: Db, n: number, f: Partial<typeof cases.$inferInsert> & { leadUnitId: number; dueAt: number }): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i += 50) {
    const rows = Array.from({ length: Math.min(50, n - i) }, (_, j) => ({
      source: "12345",
      title: `批量案件${i + j + 1}`,
      content: "批量测试案件",
      state: "in_progress" as const,
      createdBy: "disp",
      createdAt: 0,
      updatedAt: 0,
      writeToken: `bulk-${++seq}-${Math.random()}`,
      ...f,
    }));
    ids.push(...(await db.insert(cases).values(rows).returning({ id: cases.id })).map((r) => r.id));
  }
  return ids;
}

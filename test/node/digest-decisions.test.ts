/**
 * The command group's 每日通报 tells leaders what they must decide (issue 11 item 6): on the demo district it leads
 * with 待领导决定 (every 待审核 closure and open 延期 request, with its age), lists each overdue case once under its
 * escalation step with its 包案领导 and unit head, counts past-due 待审核 closures as overdue, lists the 挂牌 cases
 * still on track; the 包案领导 is @-ed on the escalation day only, within the daily @ budget; a long list continues
 * in further chunks and ends with a link to the filtered 台账; the lists are read through their partial indexes.
 */
import { createClient } from "@libsql/client";
import { and, eq, isNotNull, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/libsql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderWecom, renderWecomChunks } from "../../src/bot/wecom/render.js";
import { flaggedOnTrack, pendingDecisions } from "../../src/db/decisions.js";
import * as schema from "../../src/db/schema.js";
import { cases, groups, outbox, people, units } from "../../src/db/schema.js";
import { seedDemo } from "../../src/db/seed-demo.js";
import type { Db } from "../../src/db/types.js";
import { overdueList } from "../../src/db/unit-day-stats.js";
import { LIST_MAX } from "../../src/schedules/digest-lead.js";
import { workingDaysBetween, type Calendar } from "../../src/domain/calendar.js";
import { isOverdue } from "../../src/domain/lifecycle.js";
import type { Message } from "../../src/domain/message.js";
import { fmtDate } from "../../src/handlers/text.js";
import { runDue } from "../../src/schedules/run-due.js";
import { tempDb } from "../helpers/db.js";
import { testClock, testDeps, U } from "../helpers/fixture.js";
import { caseNumbers, cst, insertCases, mentionsPerDay, schedBench, type Bench, type Msg } from "../helpers/schedules.js";

/** How often case #id is named in a text ("#12", not "#123"). */
const times = (text: string, id: number) => text.match(new RegExp(`#${id}(?!\\d)`, "g"))?.length ?? 0;
/** The lines of a markdown text from the line starting with `from` up to (not including) the first starting with `to`. */
function part(md: string, from: string, to: string[]): string[] {
  const lines = md.split("\n");
  const i = lines.findIndex((l) => l.startsWith(from));
  if (i < 0) return [];
  const j = lines.findIndex((l, k) => k > i && to.some((t) => l.startsWith(t)));
  return lines.slice(i, j < 0 ? undefined : j);
}
const lineOf = (lines: string[], id: number) => lines.find((l) => l.startsWith(`**#${id}**`));

describe("the demo district's command digest", () => {
  const AT = cst("2026-12-01 08:30");
  let t: Awaited<ReturnType<typeof tempDb>>;
  let cal: Calendar;
  let md: string;
  let message: Message;
  let rows: (typeof cases.$inferSelect)[];
  let names: Map<string, string>;
  let heads: Map<number, string | null>;

  beforeAll(async () => {
    t = await tempDb();
    const clock = testClock(cst("2026-12-01 07:00"));
    const deps = await testDeps(t.db, t.dir, clock);
    await seedDemo(t.db, { now: clock(), files: deps.files });
    await runDue(deps, clock()); // the first run, before the digest time: nothing to make up
    clock.set(AT);
    expect((await runDue(deps, AT)).morning).toBe(true);
    cal = await deps.calendar();
    const [row] = await t.db.select().from(outbox).where(and(eq(outbox.target, "wecom:demo-chat-command"), sql`${outbox.idempotencyKey} like 'sched:%'`));
    message = (row.payload as { message: Message }).message;
    md = renderWecom(message);
    rows = await t.db.select().from(cases);
    names = new Map((await t.db.select().from(people)).map((p) => [p.userId, p.name]));
    heads = new Map((await t.db.select().from(units)).map((u) => [u.id, u.headUserId]));
  }, 60_000);
  afterAll(() => t.cleanup());

  const age = (since: number | null, verb: string) => {
    const n = workingDaysBetween(cal, since!, AT);
    return n === 0 ? `今日${verb}` : `已等 ${n} 个工作日`;
  };
  const who = (c: typeof cases.$inferSelect) => {
    const head = heads.get(c.leadUnitId!);
    return [c.leaderUserId ? `包案领导 ${names.get(c.leaderUserId)}` : "未指定包案领导", ...(head ? [`单位负责人 ${names.get(head)}`] : [])];
  };

  it("leads with 待领导决定: every closure awaiting review, oldest first, with its age and who is answerable", () => {
    expect(message.blocks[0].kind).toBe("title");
    expect(md.split("\n")[1]).toMatch(/^\*\*待领导决定\*\*（办结待审核 \d+ 件，延期申请 \d+ 件）$/);
    const review = rows.filter((c) => c.state === "pending_review").sort((a, b) => a.submittedAt! - b.submittedAt! || a.id - b.id);
    expect(review.length).toBeGreaterThanOrEqual(5);
    const section = part(md, "**办结待审核**", ["**延期申请**", "**逾期案件**"]);
    expect(section.slice(1).map((l) => caseNumbers(l)[0])).toEqual(review.map((c) => c.id));
    for (const c of review) {
      const l = lineOf(section, c.id)!;
      expect(l, `#${c.id}`).toContain(age(c.submittedAt, "提交"));
      for (const w of who(c)) expect(l).toContain(w);
      if (c.dueAt! < AT) expect(l).toContain(`已逾期 ${Math.max(1, workingDaysBetween(cal, c.dueAt!, AT))} 个工作日`);
    }
  });

  it("lists every open 延期 request with the date asked for and its age", () => {
    const asked = rows.filter((c) => c.state === "in_progress" && c.extRequestedAt !== null);
    expect(asked.length).toBeGreaterThanOrEqual(1);
    const section = part(md, "**延期申请**", ["**逾期案件**"]);
    expect(section.length - 1).toBe(asked.length);
    for (const c of asked) {
      const l = lineOf(section, c.id)!;
      expect(l).toContain(`申请延期至 ${fmtDate(c.extRequestedDue!, "Asia/Shanghai")}（原时限 ${fmtDate(c.dueAt!, "Asia/Shanghai")}）`);
      expect(l).toContain(age(c.extRequestedAt, "申请"));
    }
  });

  it("counts past-due 待审核 closures as overdue and names each overdue case once, under its escalation step", () => {
    const overdue = rows.filter((c) => isOverdue(c, AT));
    const inReview = overdue.filter((c) => c.state === "pending_review");
    expect(inReview.length).toBeGreaterThan(0);
    expect(md).toContain(`逾期 ${overdue.length} 件`);
    expect(md).toContain(`**逾期案件**（${overdue.length - inReview.length} 件，按升级阶段，每件一行；另有逾期的待审核办结 ${inReview.length} 件，见“待领导决定”）`);
    for (const c of overdue) expect(times(md, c.id), `#${c.id}`).toBe(1);
    const steps: [string, (d: number) => boolean][] = [
      ["**已达问责时限", (d) => d >= 7],
      ["**已升级包案领导", (d) => d >= 3 && d < 7],
      ["**逾期 1–2 个工作日", (d) => d < 3],
    ];
    const stops = ["**已达问责时限", "**已升级包案领导", "**逾期 1–2 个工作日", "**挂牌督办", "全区案件"];
    for (const c of overdue.filter((x) => x.state !== "pending_review")) {
      const days = Math.max(1, workingDaysBetween(cal, c.dueAt!, AT));
      const [title] = steps.find(([, on]) => on(days))!;
      const l = lineOf(part(md, title, stops.filter((s) => s !== title)), c.id);
      expect(l, `#${c.id} (${days} days) under ${title}`).toBeDefined();
      expect(l).toContain(`逾期 ${days} 个工作日`);
      for (const w of who(c)) expect(l).toContain(w);
    }
    // The reminder sections no longer repeat them in the command group.
    expect(md).not.toContain("逾期升级");
    expect(md).not.toContain("逾期清单");
  });

  it("lists the 挂牌 cases that are on track, and marks the others 【挂牌】 where they are listed", () => {
    const flagged = rows.filter((c) => c.flagged && ["pending_ack", "in_progress", "pending_review", "returned"].includes(c.state));
    const onTrack = flagged.filter((c) => !isOverdue(c, AT) && c.state !== "pending_review");
    expect(onTrack.length).toBeGreaterThanOrEqual(1);
    const section = part(md, "**挂牌督办**", ["全区案件"]);
    expect(section[0]).toContain(`（${onTrack.length} 件在办未逾期`);
    for (const c of onTrack) expect(lineOf(section, c.id), `#${c.id}`).toContain(`时限 ${fmtDate(c.dueAt!, "Asia/Shanghai")}`);
    for (const c of flagged) expect(md.split("\n").find((l) => l.startsWith(`**#${c.id}**`))).toContain("【挂牌】");
  });

  it("never cuts a list to bare case numbers", () => {
    expect(md).not.toMatch(/另有 \d+ 件：#/);
  });
});

describe("escalation: the 包案领导 is @-ed on the day the case reaches the step, once, within the daily budget", () => {
  let b: Bench;
  let msgs: Msg[];
  let id: number;
  const cmd = (day: string) => msgs.find((m) => m.chatId === "g-command" && m.day === day)!;

  beforeAll(async () => {
    b = await schedBench("2026-12-01 07:00");
    // Due Friday 11-27: 2 working days late on Tue 12-01, 3 (the 包案领导 step) on Wed 12-02, 4 on Thu 12-03.
    [id] = await insertCases(b.db, 1, { leadUnitId: U.simaqiao, dueAt: cst("2026-11-27 23:59"), officerUserId: "sm.officer", leaderUserId: "lead", title: "驷马桥某烧烤店油烟" });
    for (const day of ["2026-12-01", "2026-12-02", "2026-12-03"]) {
      await b.tick(`${day} 07:00`);
      await b.tick(`${day} 08:30`);
    }
    msgs = await b.messages();
  }, 60_000);
  afterAll(() => b.cleanup());

  it("names the 包案领导 and the unit head every day, under the step the case is on, once per message", () => {
    for (const [day, step] of [["2026-12-01", "**逾期 1–2 个工作日"], ["2026-12-02", "**已升级包案领导"], ["2026-12-03", "**已升级包案领导"]]) {
      const md = cmd(day).markdown;
      expect(times(md, id), day).toBe(1);
      const l = lineOf(part(md, step, ["**挂牌督办", "全区案件"]), id);
      expect(l, day).toContain("包案领导 李明华 · 单位负责人 孙强");
    }
  });

  it("@-mentions the 包案领导 in the command group on the escalation day only", () => {
    expect(cmd("2026-12-01").mentions).not.toContain("lead");
    expect(cmd("2026-12-02").mentions).toContain("lead");
    expect(lineOf(cmd("2026-12-02").markdown.split("\n"), id)).toContain("今日升级");
    expect(cmd("2026-12-03").mentions).not.toContain("lead");
    expect(lineOf(cmd("2026-12-03").markdown.split("\n"), id)).not.toContain("今日升级");
    expect(msgs.filter((m) => m.mentions.includes("lead")).map((m) => m.day)).toEqual(["2026-12-02"]);
  });

  it("keeps the one-@-per-person-per-day budget: the unit head, already @-ed in the unit group, is only named", () => {
    expect([...mentionsPerDay(msgs).values()].every((n) => n === 1)).toBe(true);
    expect(msgs.find((m) => m.chatId === "g-sm" && m.day === "2026-12-02")!.mentions).toContain("sm.head");
    expect(cmd("2026-12-02").mentions).not.toContain("sm.head");
  });
});

describe("a unit without its own group: its reminder lines fold into the digest's one line per case", () => {
  let b: Bench;
  let overdue: number;
  let flagged: number;

  beforeAll(async () => {
    b = await schedBench("2026-12-01 07:00");
    await b.db.delete(groups).where(eq(groups.chatId, "g-cg"));
    [overdue] = await insertCases(b.db, 1, { leadUnitId: U.chengguan, dueAt: cst("2026-11-20 23:59"), title: "城管局逾期案件" });
    [flagged] = await insertCases(b.db, 1, { leadUnitId: U.chengguan, dueAt: cst("2026-12-20 23:59"), flagged: true, title: "城管局挂牌案件" });
    await b.tick("2026-12-01 07:00");
    await b.tick("2026-12-01 08:30");
    await b.tick("2026-12-01 09:00");
  }, 60_000);
  afterAll(() => b.cleanup());

  it("names each case once in the command group, keeps the unit head's @ and records the reminder so no later run repeats it", async () => {
    const msgs = (await b.messages()).filter((m) => m.chatId === "g-command");
    expect(msgs).toHaveLength(1);
    const [m] = msgs;
    expect(times(m.markdown, overdue)).toBe(1);
    expect(times(m.markdown, flagged)).toBe(1);
    expect(m.markdown).not.toContain("红灯 · 逾期");
    expect(m.mentions).toContain("cg.head");
    const slots = (await b.slots()).map((r) => `${r.job} ${r.target}`);
    expect(slots).toContain(`overdue #${overdue}@g-command`);
    expect(slots).toContain(`flagged #${flagged}@g-command`);
  });
});

describe("a long overdue list is not cut", () => {
  let b: Bench;
  let msgs: Msg[];
  let asked: number;
  let stepping: number;
  const overdueLines = (md: string) => md.split("\n").filter((l) => /^\*\*#\d+\*\* .*逾期 <font color="warning">\d+ 个工作日/.test(l) || /^\*\*#\d+\*\* .* · <font color="warning">逾期 \d+ 个工作日/.test(l));

  beforeAll(async () => {
    b = await schedBench("2026-12-01 07:00");
    await insertCases(b.db, 20, { leadUnitId: U.hehuachi, dueAt: cst("2026-11-20 23:59"), officerUserId: "hh.officer" });
    // Past due with a 延期 request waiting: a decision, listed under 待领导决定 and not again under 逾期案件.
    const ext = { extRequestedAt: cst("2026-11-30 10:00"), extRequestedDue: cst("2026-12-20 23:59"), extRequestedBy: "sm.head", extReason: "设备到货" };
    [asked] = await insertCases(b.db, 1, { leadUnitId: U.simaqiao, dueAt: cst("2026-11-25 23:59"), officerUserId: "sm.officer", ...ext });
    await b.tick("2026-12-01 07:00");
    await b.tick("2026-12-01 08:30");
    await insertCases(b.db, 110, { leadUnitId: U.chengguan, dueAt: cst("2026-11-25 23:59") });
    // The least overdue of all, but it reaches the 包案领导 step on 12-02: listed and its leader @-ed however long the list.
    [stepping] = await insertCases(b.db, 1, { leadUnitId: U.chengguan, dueAt: cst("2026-11-27 23:59"), leaderUserId: "lead", title: "今日升级的案件" });
    await b.tick("2026-12-02 08:30");
    msgs = (await b.messages()).filter((m) => m.chatId === "g-command");
  }, 60_000);
  afterAll(() => b.cleanup());

  it("prints 20 overdue cases in full though a reminder section shows 15 (policy.listLinesPerSection)", () => {
    const md = msgs.find((m) => m.day === "2026-12-01")!.markdown;
    expect(overdueLines(md)).toHaveLength(20);
    expect(md).not.toContain("另有 ");
    expect(md).toContain("**逾期案件**（20 件，按升级阶段，每件一行；另有逾期的待批延期 1 件，见“待领导决定”）");
    expect(times(md, asked)).toBe(1);
    expect(lineOf(part(md, "**延期申请**", ["**逾期案件**"]), asked)).toContain("申请延期至 12月20日(周日)（原时限 11月25日(周三)） · 已等 1 个工作日 · <font color=\"warning\">已逾期 4 个工作日</font>");
  });

  it("ends a shortened reminder section in a unit group with a link to that unit's cases in the 台账", async () => {
    const hh = (await b.messages()).find((m) => m.chatId === "g-hh" && m.day === "2026-12-01")!.markdown;
    const more = hh.split("\n").find((l) => l.includes("另有 5 件："))!;
    expect(caseNumbers(more)).toHaveLength(5);
    expect(more).toContain(`[督办台 台账](${b.deps.config.publicBaseUrl}/dashboard/cases?unit=${U.hehuachi}&overdue=1)`);
  });

  it(`prints the ${LIST_MAX} most overdue of 131 in full and the one reaching a step today, continued over several WeCom messages, and links the rest to the filtered 台账`, () => {
    const m = msgs.find((x) => x.day === "2026-12-02")!;
    expect(LIST_MAX).toBeGreaterThan(20);
    expect(overdueLines(m.markdown)).toHaveLength(LIST_MAX + 1);
    expect(lineOf(part(m.markdown, "**已升级包案领导", ["**逾期 1–2", "<font"]), stepping)).toContain("包案领导 李明华 · 单位负责人 郑八 · <font color=\"warning\">今日升级</font>");
    expect(m.mentions).toContain("lead");
    expect(m.markdown).toContain(`另有 ${131 - LIST_MAX - 1} 件逾期案件未逐条列出，全部见 </font>[督办台 台账 · 已逾期](${b.deps.config.publicBaseUrl}/dashboard/cases?overdue=1)`);
    expect(m.markdown).not.toMatch(/另有 \d+ 件：#/);
    const chunks = renderWecomChunks({ message: m.message, mentions: m.mentions }).map((c) => String(c.markdown));
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks) expect(new TextEncoder().encode(c).byteLength).toBeLessThanOrEqual(4096);
    // Every case line lands whole in one chunk: the chunks together name each listed case exactly once.
    expect(chunks.flatMap((c) => overdueLines(c)).length).toBe(LIST_MAX + 1);
  });
});

describe("the lists are read through their own partial indexes", () => {
  it("EXPLAIN QUERY PLAN: no statement walks the case table", async () => {
    const t = await tempDb();
    try {
      const now = cst("2026-12-01 08:30");
      await seedDemo(t.db, { now });
      await insertCases(t.db, 200, { leadUnitId: U.hehuachi, dueAt: now + 86_400_000, state: "closed", closedAt: now - 1 });
      const client = createClient({ url: `file:${t.dir}/test.db` });
      const sent: { sql: string; params: unknown[] }[] = [];
      const logged = drizzle(client, { schema, logger: { logQuery: (q, params) => sent.push({ sql: q, params }) } }) as unknown as Db;
      const d = await pendingDecisions(logged, now, LIST_MAX);
      const f = await flaggedOnTrack(logged, now, LIST_MAX);
      const o = await overdueList(logged, now, LIST_MAX, { awaiting: false });
      await overdueList(logged, now - 86_400_000, LIST_MAX, { awaiting: false, dueFrom: now - 5 * 86_400_000 }); // a step's deadline window
      expect(d.closureCount).toBe((await t.db.select().from(cases).where(eq(cases.state, "pending_review"))).length);
      expect(d.extensionCount).toBe((await t.db.select().from(cases).where(and(eq(cases.state, "in_progress"), isNotNull(cases.extRequestedAt)))).length);
      expect(f.count).toBeGreaterThanOrEqual(1);
      expect(o.every((c) => c.state !== "pending_review")).toBe(true);
      expect(sent.length).toBe(7);
      for (const q of sent) {
        const plan = (await client.execute({ sql: `explain query plan ${q.sql}`, args: q.params as never })).rows.map((r) => String(r.detail));
        for (const step of plan) expect(step, q.sql).not.toMatch(/^SCAN cases\b(?! USING (COVERING )?INDEX (cases_review_idx|cases_ext_request_idx|cases_open_due_idx|cases_flagged_idx))/);
        expect(plan.join(" | "), q.sql).toMatch(/cases_review_idx|cases_ext_request_idx|cases_open_due_idx|cases_flagged_idx/);
      }
      client.close();
    } finally {
      await t.cleanup();
    }
  });
});

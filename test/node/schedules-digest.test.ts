/** The daily digest and reports: figures recomputed here from the raw rows, each unit's slice, 红/黄/绿牌, preview and the CLI. */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batches, caseEvents, cases } from "../../src/db/schema.js";
import { renderWecomChunks } from "../../src/bot/wecom/render.js";
import { previewDigest } from "../../src/schedules/operator.js";
import { cardOf } from "../../src/schedules/reports.js";
import { wilsonLower } from "../../src/domain/fair-rank.js";
import { U } from "../helpers/fixture.js";
import { cst, insertCases, schedBench, type Bench, type Msg } from "../helpers/schedules.js";

const AT = "2026-12-01 08:30"; // Tuesday; the previous digest was Monday 08:30
const NAMES: Record<number, string> = { [U.hehuachi]: "荷花池街道", [U.simaqiao]: "驷马桥街道", [U.chengguan]: "区城管局" };
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
// Thresholds on the fair score (a Wilson lower bound) low enough that this small district's one ranked unit gets a
// yellow card; with 3 应结件 needed, the two units with 2 each are listed unranked.
const CARDS = { red: 0.15, yellow: 0.5 };
const MIN_CASES = 3;

let b: Bench;
let msgs: Msg[];
let rows: (typeof cases.$inferSelect)[];
let preview: string;

/** The figures of spec §4, recomputed in plain code from the rows (not through src/db/stats.ts). */
function figures(rs: typeof rows, now: number) {
  const live = rs.filter((c) => c.state !== "cancelled");
  const closed = live.filter((c) => c.state === "closed");
  const onTime = closed.filter((c) => c.dueAt === null || c.closedAt! <= c.dueAt);
  const overdue = live.filter((c) => ["pending_ack", "in_progress", "pending_review", "returned"].includes(c.state) && c.dueAt! < now);
  return {
    total: live.length,
    closed: closed.length,
    staged: closed.filter((c) => c.outcome === "staged").length,
    open: live.filter((c) => ["pending_ack", "in_progress", "pending_review", "returned"].includes(c.state)).length,
    overdue: overdue.length,
    rebounds: live.reduce((a, c) => a + c.reboundCount, 0),
    rate: live.length ? closed.length / live.length : 0,
    onTimeRate: closed.length ? onTime.length / closed.length : 0,
    onTime: onTime.length,
    due: closed.length + overdue.length, // 应结件
  };
}

/** The fair ranking recomputed here: units with MIN_CASES 应结件 by Wilson lower bound, the rest unranked. */
function fairRanking() {
  const units = [U.hehuachi, U.simaqiao, U.chengguan].map((u) => ({ u, ...figures(rows.filter((c) => c.leadUnitId === u), cst(AT)) }));
  const scored = units.map((x) => ({ ...x, score: x.due >= MIN_CASES ? wilsonLower(x.onTime, x.due) : null }));
  const ranked = scored.filter((x) => x.score !== null).sort((a, z) => z.score! - a.score! || a.overdue - z.overdue);
  return { ranked, rest: scored.filter((x) => x.score === null) };
}
const score = (x: number) => (Math.round(x * 1000) / 10).toFixed(1);
const cardName = (x: number | null) => (x === null ? null : x < CARDS.red ? "红牌" : x < CARDS.yellow ? "黄牌" : "绿牌");

describe("每日通报 and 周报/月报", () => {
  beforeAll(async () => {
    b = await schedBench("2026-12-01 07:00");
    const [first, second] = await b.db.insert(batches).values([{ name: "第一批", source: "中央督察", receivedOn: "2026-11-01" }, { name: "第二批", source: "12345", receivedOn: "2026-11-10" }]).returning();
    const due = cst("2026-11-27 23:59");
    const add = (unit: number, f: Omit<Partial<typeof cases.$inferInsert>, "dueAt" | "leadUnitId"> & { dueAt?: number }) => insertCases(b.db, 1, { leadUnitId: unit, dueAt: due, ...f });
    await add(U.hehuachi, { state: "closed", closedAt: due - 86_400_000, source: "中央督察", batchId: first.id });
    await add(U.hehuachi, { state: "closed", closedAt: due + 86_400_000, source: "12345" });
    await add(U.hehuachi, { state: "closed", outcome: "staged", closedAt: due - 1, source: "中央督察", batchId: first.id, reboundCount: 1 });
    await add(U.hehuachi, { state: "in_progress", source: "12345", title: "逾期的荷花池案件" });
    await add(U.simaqiao, { state: "closed", closedAt: due - 1, source: "12345", batchId: second.id });
    await add(U.simaqiao, { state: "in_progress", dueAt: cst("2026-12-20 23:59"), source: "12369" });
    await add(U.simaqiao, { state: "pending_review", source: "12345" });
    await add(U.simaqiao, { state: "cancelled", source: "12345" });
    await add(U.chengguan, { state: "returned", source: "12369", reboundCount: 2 });
    await add(U.chengguan, { state: "closed", closedAt: due, source: "省督察" });
    rows = await b.db.select().from(cases);
    // Timeline since Monday 08:30: two created, one closure approved, one rebound; one older event outside the window.
    const ev = (caseId: number, at: string, kind: "created" | "closure_approved" | "rebound") => ({ caseId, at: cst(at), actorUserId: "disp", kind });
    await b.db.insert(caseEvents).values([ev(4, "2026-11-30 10:00", "created"), ev(6, "2026-11-30 15:00", "created"), ev(1, "2026-11-30 16:00", "closure_approved"), ev(9, "2026-12-01 08:00", "rebound"), ev(2, "2026-11-30 08:00", "created")]);
    await b.setPolicy("cards", CARDS);
    await b.setPolicy("rankMinCases", MIN_CASES);
    await b.tick("2026-12-01 08:00");
    const before = await b.db.all<{ n: number }>(sql`select (select count(*) from outbox) + (select count(*) from schedule_slots) + (select count(*) from audit_log) as n`);
    b.clock.set(cst(AT));
    const p = await previewDigest(b.deps, cst(AT));
    preview = "text" in p ? p.text : p.error;
    expect(await b.db.all<{ n: number }>(sql`select (select count(*) from outbox) + (select count(*) from schedule_slots) + (select count(*) from audit_log) as n`)).toEqual(before);
    await b.tick(AT);
    msgs = await b.messages();
  });
  afterAll(() => b.cleanup());

  it("gives the command group the district's figures exactly as recomputed from the rows", () => {
    const cmd = msgs.find((m) => m.chatId === "g-command")!.markdown;
    const f = figures(rows, cst(AT));
    expect(cmd).toContain(`全区案件 **${f.total}** 件，办结 **${f.closed}** 件（其中阶段性 ${f.staged}），完成率 **${pct(f.rate)}**，按时办结率 ${pct(f.onTimeRate)}`);
    expect(cmd).toContain(`办理中 ${f.open} 件，<font color="warning">逾期 ${f.overdue} 件</font>，反弹 ${f.rebounds} 次`);
    expect(cmd).toContain("**较上期**（11月30日 08:30 以来）：新增 2，办结 1，反弹 1，新增逾期 0");
    const bySource = [...new Set(rows.filter((c) => c.state !== "cancelled").map((c) => c.source))].map((s) => ({ s, ...figures(rows.filter((c) => c.source === s), cst(AT)) }));
    for (const x of bySource) expect(cmd).toMatch(new RegExp(`(：| · )${x.s} ${x.closed}/${x.total}( · |\\n)`));
    expect(cmd).toContain("第一批 2/2");
    expect(cmd).toContain("第二批 1/1");
    // The 待审核 case past due counts in the figure and is listed under 待领导决定, not again under 逾期案件.
    const review = rows.filter((c) => c.state === "pending_review" && c.dueAt! < cst(AT)).length;
    expect(review).toBe(1);
    expect(cmd).toContain(`**逾期案件**（${f.overdue - review} 件，按升级阶段，每件一行；另有逾期的待审核办结 ${review} 件，见“待领导决定”）`);
  });

  // Issue 11: the raw completion rate ranked units before; now the fair score (Wilson lower bound of 按期办结/应结件),
  // units below the policy's minimum 应结件 listed unranked, and the rule printed under the table.
  it("ranks units by the fair score, lists the unranked ones and says how the score is computed", () => {
    const cmd = msgs.find((m) => m.chatId === "g-command")!.markdown;
    const { ranked, rest } = fairRanking();
    expect([ranked.length, rest.length]).toEqual([1, 2]);
    const table = cmd.split("\n").filter((l) => /^\d\. /.test(l));
    expect(table).toEqual(ranked.map((x, i) => `${i + 1}. ${NAMES[x.u]} ${score(x.score!)}｜${cardName(x.score)}｜${pct(x.onTime / x.due)}（${x.onTime}/${x.due}）｜${x.overdue}｜${x.rebounds}`));
    expect(cmd).toContain(`暂不排名（应结件不足 ${MIN_CASES} 件）：${rest.map((x) => `${NAMES[x.u]}（${x.due}）`).join("、")}`);
    expect(cmd).toContain(`应结件不足 ${MIN_CASES} 件不排名、不评牌`);
    expect(cmd).toContain("威尔逊区间下限");
    for (const x of ranked) {
      const chat = { [U.hehuachi]: "g-hh", [U.simaqiao]: "g-sm", [U.chengguan]: "g-cg" }[x.u]!;
      expect(msgs.find((m) => m.chatId === chat)!.markdown).toContain(`（全区第 ${ranked.indexOf(x) + 1}/${ranked.length} 名，评分 ${score(x.score!)}）`);
    }
    for (const x of rest) {
      const chat = { [U.hehuachi]: "g-hh", [U.simaqiao]: "g-sm", [U.chengguan]: "g-cg" }[x.u]!;
      expect(msgs.find((m) => m.chatId === chat)!.markdown).toContain(`（应结件 ${x.due} 件，不足 ${MIN_CASES} 件，暂不排名）`);
    }
  });

  it("gives each unit group only its own slice", () => {
    for (const u of [U.hehuachi, U.simaqiao, U.chengguan]) {
      const chat = { [U.hehuachi]: "g-hh", [U.simaqiao]: "g-sm", [U.chengguan]: "g-cg" }[u]!;
      const md = msgs.find((m) => m.chatId === chat)!.markdown;
      const f = figures(rows.filter((c) => c.leadUnitId === u), cst(AT));
      expect(md.startsWith(`**${NAMES[u]} · 每日通报 12月1日(周二)**`)).toBe(true);
      expect(md).toContain(`本单位案件 **${f.total}** 件，办结 **${f.closed}** 件（其中阶段性 ${f.staged}），完成率 **${pct(f.rate)}**`);
      for (const other of Object.values(NAMES).filter((n) => n !== NAMES[u])) expect(md).not.toContain(other);
    }
  });

  // Issue 11: cards now follow the policy thresholds on the fair score; a unit with too few 应结件 gets none.
  it("cards each ranked unit 红/黄/绿 by its score from the policy thresholds in the 周报 and 月报; too few 应结件, no card", () => {
    const cmd = msgs.find((m) => m.chatId === "g-command")!.markdown;
    expect(cmd).toContain("**周报 · 11月23日—11月29日**");
    expect(cmd).toContain("**月报 · 2026年11月**");
    const { ranked, rest } = fairRanking();
    expect(ranked.map((x) => cardName(x.score))).toEqual(["黄牌"]);
    for (const x of ranked) {
      const card = cardName(x.score)!;
      expect(cardOf(x.score, CARDS)).toBe(card);
      const line = cmd.split("\n").find((l) => l.includes(`>${card}</font>`) && l.includes(`${NAMES[x.u]} ${score(x.score!)}`));
      expect(line, `${NAMES[x.u]} ${card}`).toBeDefined();
      const chat = { [U.hehuachi]: "g-hh", [U.simaqiao]: "g-sm", [U.chengguan]: "g-cg" }[x.u]!;
      expect(msgs.find((m) => m.chatId === chat)!.markdown).toContain(`评为 <font color="${{ 红牌: "warning", 黄牌: "comment", 绿牌: "info" }[card]}">${card}</font>`);
    }
    expect(cmd).toContain(`未评牌（应结件不足 ${MIN_CASES} 件）：${rest.length} 个单位`);
    expect(cmd).toContain(`评牌按评分：低于 ${score(CARDS.red)} 红牌，低于 ${score(CARDS.yellow)} 黄牌`);
    for (const x of rest) {
      const chat = { [U.hehuachi]: "g-hh", [U.simaqiao]: "g-sm", [U.chengguan]: "g-cg" }[x.u]!;
      const md = msgs.find((m) => m.chatId === chat)!.markdown;
      expect(md).toContain(`应结件 ${x.due} 件，不足 ${MIN_CASES} 件，本期不评牌`);
      expect(md).not.toMatch(/评为/);
    }
  });

  it("previews exactly the digest the run then sent, without writing anything", () => {
    expect(preview.startsWith("**每日通报 · 12月1日(周二)**")).toBe(true);
    expect(msgs.find((m) => m.chatId === "g-command")!.markdown.startsWith(`${preview}\n`)).toBe(true);
  });

  it("queues one neutral message per group and leaves fitting to the channel: WeCom splits it into chunks of at most 4096 bytes", () => {
    const cmd = msgs.find((m) => m.chatId === "g-command")!;
    expect(cmd.target).toBe("wecom:g-command");
    const long = { message: { blocks: [...cmd.message.blocks, ...Array.from({ length: 60 }, () => cmd.message.blocks).flat()] }, mentions: ["hh.head"] };
    const chunks = renderWecomChunks(long);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => new TextEncoder().encode(String(c.markdown)).byteLength <= 4096)).toBe(true);
    expect(String(chunks.at(-1)!.markdown).endsWith("<@hh.head>")).toBe(true);
  });
});

/**
 * Repeat complaints in chat (issue 13): 交办 names the earlier case about the same place in other words, not an
 * unrelated one; 并案 into a closed case reopens it in a new round (a rebound in the unit's figures); 并案 across
 * lead units or into a cancelled case is refused with the reason; 撤销并案 is a leader's and restores the case;
 * 不是重复 keeps the pair from being suggested again. Real libSQL file, the real chat pipeline through say().
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import { tempDb } from "../helpers/db.js";
import { say, seedFixture, testClock, testDeps } from "../helpers/fixture.js";
import { auditLog, caseEvents, caseLinks, cases, caseTotals } from "../../src/db/schema.js";
import { findSimilar } from "../../src/db/similar-cases.js";
import type { Deps } from "../../src/deps.js";

let t: Awaited<ReturnType<typeof tempDb>>;
let deps: Deps;
const clock = testClock();
const idIn = (reply: string) => Number(/#(\d+)/.exec(reply)![1]);
const row = async (id: number) => (await t.db.select().from(cases).where(eq(cases.id, id)))[0];

beforeAll(async () => {
  t = await tempDb();
  await seedFixture(t.db);
  deps = await testDeps(t.db, t.dir, clock);
});
afterAll(() => t.cleanup());

describe("repeat complaints in chat (issue 13)", () => {
  let earlier = 0;
  let repeat = 0;

  it("交办 names the earlier closed case about the same place in other words, and not an unrelated one", async () => {
    earlier = idIn(await say(deps, "disp", "g-command", "交办 金牛大道18号老王烧烤店油烟直排，未安装油烟净化设施 给 荷花池 地址 金牛大道18号"));
    // Closed three weeks ago (the closure flow itself is tested elsewhere).
    await t.db.update(cases).set({ state: "closed", outcome: "closed", closedAt: clock() }).where(eq(cases.id, earlier));
    clock.advance(21 * 24 * 3600_000);

    const reply = await say(deps, "disp", "g-command", "交办 群众反映金牛大道十八号院老王烧烤店晚上炒菜油烟很大，窗户都不敢开 给 荷花池");
    repeat = idIn(reply);
    expect(repeat).toBeGreaterThan(earlier);
    expect(reply).toMatch(new RegExp(`疑似重复：[^#\\n]*#${earlier} 金牛大道18号老王烧烤店.*（已办结 12月1日，荷花池街道）`));
    expect(reply).toContain(`并案 #${repeat} 到 #${earlier}`);

    const other = await say(deps, "disp", "g-command", "交办 驷马桥路2号某农贸市场垃圾堆放无人清运 给 驷马桥");
    expect(other).not.toContain("疑似重复");
    const sameWordsElsewhere = await say(deps, "disp", "g-command", "交办 蜀汉路77号某烧烤店油烟直排，未安装油烟净化设施 给 荷花池 地址 蜀汉路77号");
    expect(sameWordsElsewhere).not.toContain("疑似重复");
  });

  it("并案 into a closed case reopens it in a new round and counts a rebound; the merged case is cancelled 并案至", async () => {
    const before = (await t.db.select().from(caseTotals)).reduce((n, r) => n + r.rebounds, 0);
    expect(await say(deps, "hh.head", "g-hh", `并案 #${repeat} 到 #${earlier}`)).toMatch(/没有权限.*督办员或领导/);

    const reply = await say(deps, "disp", "g-command", `并案 #${repeat} 到 #${earlier}`);
    expect(reply).toContain(`#${earlier}`);
    expect(reply).toContain("收到重复投诉，已重新办理");
    const merged = await row(repeat);
    expect(merged).toMatchObject({ state: "cancelled", cancelReason: `并案至 #${earlier}` });
    const reopened = await row(earlier);
    expect(reopened).toMatchObject({ state: "in_progress", round: 2, roundReason: "rebound", reboundCount: 1, closedAt: null });
    const [ev] = await t.db.select().from(caseEvents).where(and(eq(caseEvents.caseId, earlier), eq(caseEvents.kind, "rebound")));
    expect(ev.text).toContain("窗户都不敢开"); // the earlier case's record shows the later complaint
    const after = (await t.db.select().from(caseTotals)).reduce((n, r) => n + r.rebounds, 0);
    expect(after).toBe(before + 1);
    const audits = await t.db.select().from(auditLog).where(sql`${auditLog.action} like 'case.merge%'`);
    expect(audits.map((a) => a.action).sort()).toEqual(["case.merge", "case.merge.rebound"]);
    const links = await t.db.select().from(caseLinks).where(eq(caseLinks.caseId, repeat));
    expect(links).toMatchObject([{ otherId: earlier, kind: "merged", reopened: true, priorState: { state: "pending_ack", cancelReason: null } }]);
    // Merged complaints are no longer offered; the earlier case still is.
    const again = await findSimilar(t.db, { content: "老王烧烤店油烟又来了，晚上熏得没法开窗", address: "金牛大道18号" });
    expect(again.map((s) => s.id)).toEqual([earlier]);
  });

  it("refuses 并案 across lead units and into a cancelled case, saying why", async () => {
    const other = idIn(await say(deps, "disp", "g-command", "交办 金牛大道18号老王烧烤店油烟熏人 给 驷马桥"));
    expect(await say(deps, "disp", "g-command", `并案 #${other} 到 #${earlier}`)).toMatch(/牵头单位是驷马桥街道.*荷花池街道.*不能并案[\s\S]*改派 #\d+ 给 荷花池街道/);
    const gone = idIn(await say(deps, "disp", "g-command", "交办 金牛大道20号某火锅店油烟 给 荷花池"));
    await say(deps, "disp", "g-command", `撤销 #${gone} 交办错误`);
    const mine = idIn(await say(deps, "disp", "g-command", "交办 金牛大道20号某火锅店油烟又来了 给 荷花池"));
    expect(await say(deps, "disp", "g-command", `并案 #${mine} 到 #${gone}`)).toContain("已撤销，不能并入已撤销的案件");
    expect(await say(deps, "disp", "g-command", `并案 #${mine} 到 #${mine}`)).toContain("不能与自身");
    expect((await row(mine)).state).toBe("pending_ack");
  });

  it("撤销并案 is a leader's: it restores the merged case's state and is audited", async () => {
    expect(await say(deps, "disp", "g-command", `撤销并案 #${repeat}`)).toMatch(/没有权限.*领导/);
    const reply = await say(deps, "lead", "g-command", `撤销并案 #${repeat}`);
    expect(reply).toContain(`#${repeat} 已撤销并案`);
    expect(await row(repeat)).toMatchObject({ state: "pending_ack", cancelReason: null });
    const [link] = await t.db.select().from(caseLinks).where(eq(caseLinks.caseId, repeat));
    expect(link.undoneBy).toBe("lead");
    expect(await say(deps, "lead", "g-command", `撤销并案 #${repeat}`)).toContain("没有并案记录");
    expect((await t.db.select().from(auditLog).where(eq(auditLog.action, "case.unmerge"))).length).toBe(1);
  });

  it("不是重复 keeps the pair from being suggested again", async () => {
    const q = { content: "老王烧烤店晚上炒菜油烟很大", address: "金牛大道18号", excludeId: repeat };
    expect((await findSimilar(t.db, q)).map((s) => s.id)).toContain(earlier);
    const reply = await say(deps, "disp", "g-command", `不是重复 #${repeat} #${earlier}`);
    expect(reply).toContain(`#${repeat} 与 #${earlier} 不是重复投诉`);
    expect((await findSimilar(t.db, q)).map((s) => s.id)).not.toContain(earlier);
    expect(await say(deps, "disp", "g-command", `不是重复 #${repeat}`)).toMatch(/没有疑似重复的案件|不是重复投诉/);
  });
});

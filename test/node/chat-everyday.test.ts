/** Everyday chat through the real pipeline (issue 11): several cases in one 签收, 收到 as 签收, sentences as 进展. */
import { describe, expect, it } from "vitest";
import { and, eq, inArray, sql } from "drizzle-orm";
import { useDistrict } from "../helpers/district.js";
import { say, U } from "../helpers/fixture.js";
import { caseEvents, cases } from "../../src/db/schema.js";

const d = useDistrict();

const dispatch = async (text: string) => Number(/#(\d+)/.exec(await say(d.deps, "disp", "g-command", text))![1]);
const states = async (ids: number[]) => Object.fromEntries((await d.db.select().from(cases).where(inArray(cases.id, ids))).map((c) => [c.id, c.state]));

describe("everyday chat (issue 11)", () => {
  it("签收 #a #b signs both; a case of another unit is reported on its own line", async () => {
    const a = await dispatch("交办 某烧烤店油烟扰民 给 荷花池");
    const b = await dispatch("交办 某工地扬尘 给 荷花池");
    const other = await dispatch("交办 某河段漂浮物 给 驷马桥");
    const reply = await say(d.deps, "hh.officer", "g-hh", `签收 #${a}、#${b} #${other}`);
    expect(reply).toContain(`#${a}`);
    expect(reply).toContain(`#${b}`);
    expect(reply).toMatch(new RegExp(`#${other}：没有找到案件`));
    expect(await states([a, b, other])).toEqual({ [a]: "in_progress", [b]: "in_progress", [other]: "pending_ack" });
  });

  it("收到 #N signs where the sender may; otherwise it is a polite acknowledgement, not an error", async () => {
    const c = await dispatch("交办 某小区垃圾站异味 给 荷花池");
    expect(await say(d.deps, "hh.officer", "g-hh", `收到 #${c}，马上安排`)).toContain("已签收");
    expect(await states([c])).toEqual({ [c]: "in_progress" });
    const again = await say(d.deps, "hh.head", "g-hh", `好的 #${c}`);
    expect(again).toContain(`好的，王芳已收到 #${c}`);
    expect(again).toContain("无需重复签收");
    const other = await dispatch("交办 某餐馆油烟 给 荷花池");
    expect(await say(d.deps, "lead", "g-command", `收到 #${other}`)).toContain(`已收到 #${other}`);
    expect(await states([other])).toEqual({ [other]: "pending_ack" });
  });

  it("#N 已经处理好了 is a progress report; #N 什么情况 asks about the case", async () => {
    const e = await dispatch("交办 某餐馆油烟 给 荷花池");
    await say(d.deps, "hh.officer", "g-hh", `${e}号件收到`);
    expect(await say(d.deps, "hh.officer", "g-hh", `#${e} 已经处理好了`)).not.toContain("无法识别");
    const evs = await d.db.select().from(caseEvents).where(eq(caseEvents.caseId, e));
    expect(evs.find((x) => x.kind === "progress")?.text).toBe("已经处理好了");
    expect(await say(d.deps, "hh.head", "g-hh", `#${e} 什么情况`)).toContain(`#${e}`);
  });

  it("a question about a case is answered, never recorded as progress; 同意 #N asks which decision is meant", async () => {
    const e = await dispatch("交办 某工地夜间施工 给 荷花池 20号前");
    await say(d.deps, "hh.officer", "g-hh", `收到 #${e}`);
    for (const q of [`#${e} 好了没`, `#${e} 现在到哪了`, `#${e} 整改了没有？`]) expect(await say(d.deps, "hh.head", "g-hh", q)).toContain(`#${e}`);
    const evs = await d.db.select().from(caseEvents).where(eq(caseEvents.caseId, e));
    expect(evs.filter((x) => x.kind === "progress")).toEqual([]);
    const ask = await say(d.deps, "lead", "g-command", `同意 #${e}`);
    expect(ask).toContain(`通过 #${e}`);
    expect(ask).toContain(`同意延期 #${e}`);
    const [row] = await d.db.select().from(cases).where(eq(cases.id, e));
    expect(row.state).toBe("in_progress"); // nothing decided on a guess
    expect(new Date(row.dueAt!).getUTCDate() === 20 || new Date(row.dueAt! + 8 * 3_600_000).getUTCDate() === 20).toBe(true); // 20号前 read as the next 20th
  });

  it("a message it cannot read names the case it mentions and offers the commands, never a cut echo", async () => {
    const reply = await say(d.deps, "hh.officer", "g-hh", "王主任你好关于81号件的情况汇报如下");
    expect(reply).toContain("进展 #81");
    expect(reply).toContain("查 #81");
    expect(reply).not.toContain("「王主任");
  });
});

describe("我的 (issue 12: only the rows shown are read)", () => {
  it("shows the 15 most urgent — 挂牌 first, then the earliest deadline, none last — and counts every other one", async () => {
    const now = d.clock();
    // 250 open cases of 城管局 loaded by SQL: every 50th 挂牌, every 9th without a deadline, the rest due later and later.
    await d.db.run(sql`
      with recursive k(i) as (select 1 union all select i + 1 from k where i < 250)
      insert into cases (source, title, content, lead_unit_id, flagged, state, due_at, created_by, created_at, updated_at, write_token)
      select '12345', '城管积案' || i, '内容' || i, ${U.chengguan}, (i % 50 = 0), 'in_progress', case when i % 9 = 0 then null else ${now} + i * 60000 end,
        'bulk', ${now}, ${now}, 'cg-' || i from k`);
    const open = (await d.db.select({ id: cases.id }).from(cases).where(and(eq(cases.leadUnitId, U.chengguan), inArray(cases.state, ["pending_ack", "in_progress", "pending_review", "returned"])))).length;
    expect(open).toBeGreaterThan(200);
    const reply = await say(d.deps, "cg.head", "g-cg", "我的");
    const shown = [...reply.matchAll(/#\d+ (【挂牌】)?城管积案(\d+)/g)].map((m) => Number(m[2]));
    expect(shown).toEqual([50, 100, 150, 200, 250, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11]);
    expect(reply).toContain(`另有 ${open - 15} 件`); // the whole list, not the first 200 read
  });
});

describe("帮助 for the person asking (issue 11)", () => {
  it("lists only the commands the sender's roles allow, with their own unit's case number", async () => {
    const own = await dispatch("交办 某小区噪声扰民 给 荷花池");
    const officer = await say(d.deps, "hh.officer", "g-hh", "帮助");
    expect(officer).toContain("签收");
    expect(officer).toContain(`#${own}`); // a real case of 荷花池 instead of "#12"
    for (const verb of ["交办", "通过", "挂牌", "问责", "改派"]) expect(officer).not.toContain(`**${verb}**`);
    const leader = await say(d.deps, "lead", "g-command", "帮助");
    for (const verb of ["通过", "挂牌", "问责", "交办"]) expect(leader).toContain(`**${verb}**`);
    expect(leader).not.toContain("**签收**");
    expect(leader).not.toContain("李区长"); // the district's own leader stands in the example
  });

  it("帮助 办结 explains 阶段性办结; asking about a command one may not use says so", async () => {
    const h = await say(d.deps, "hh.officer", "g-hh", "帮助 办结");
    expect(h).toContain("阶段性办结 下一节点");
    expect(await say(d.deps, "hh.officer", "g-hh", "帮助 通过")).toContain("您的角色不能使用「通过」");
  });
});

describe("交办 in chat fills the disclosure fields (issue 11)", () => {
  it("keeps 地址 and 区域 and infers 污染类型 from the complaint", async () => {
    const id = await dispatch("交办 某烧烤店油烟扰民 地址 金牛大道18号 区域 金牛区 给 荷花池");
    const [c] = await d.db.select().from(cases).where(eq(cases.id, id));
    expect(c).toMatchObject({ address: "金牛大道18号", area: "金牛区", pollutionTypes: ["大气"], content: "某烧烤店油烟扰民" });
  });
});

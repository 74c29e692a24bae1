/**
 * Four simulated weeks through 中秋 and 国庆 2026 (holidays 09-25..27 and 10-01..07, make-up working days
 * Sunday 09-20 and Saturday 10-10), ticking every 30 minutes: exactly which group hears what on which day,
 * and how often each person is @-ed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PNG, say } from "../helpers/fixture.js";
import { caseNumbers, cst, mentionsPerDay, schedBench, type Bench, type Msg } from "../helpers/schedules.js";
import { addCalendarDays } from "../../src/domain/calendar.js";

const CLOSE_ALL = "核查：属实，经现场核实该企业存在问题\n整改：已完成整改并验收\n分类：限期整改\n责任：约谈企业负责人，责令整改\n回访：满意";
const WORKING = ["09-18", "09-20", "09-21", "09-22", "09-23", "09-24", "09-28", "09-29", "09-30", "10-08", "10-09", "10-10", "10-12", "10-13", "10-14", "10-15"].map((d) => `2026-${d}`);
const days = (...ds: string[]) => ds.map((d) => `2026-${d}`);
const range = (from: string, to: string) => {
  const out: string[] = [];
  for (let d = `2026-${from}`; d <= `2026-${to}`; d = addCalendarDays(d, 1)) out.push(d);
  return out;
};

const SECTIONS = ["红灯 · 逾期", "待签收超时", "黄灯 · 即将到期", "挂牌督办", "回头看巡查", "逾期升级 · 请包案领导督促", "逾期升级 · 已达问责时限", "今日应巡查"];
/** The command digest's overdue list, by escalation step (issue 11: each overdue case once, in the step it is on). */
const [STEP_1, STEP_LEADER, STEP_ACCOUNTABILITY] = ["逾期 1–2 个工作日", "已升级包案领导", "已达问责时限"];
/** Case numbers per section title of a message. */
function sections(md: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  let cur: string | undefined;
  for (const line of md.split("\n")) {
    const title =
      SECTIONS.find((s) => line.startsWith("**") && line.includes(s) && /（\d+）$/.test(line)) ?? [STEP_1, STEP_LEADER, STEP_ACCOUNTABILITY].find((s) => line.startsWith(`**${s}`));
    if (title) cur = title;
    else if (/^\*\*/.test(line) && !line.startsWith("**#")) cur = undefined;
    else if (cur) out.set(cur, [...(out.get(cur) ?? []), ...caseNumbers(line)]);
  }
  return out;
}

let b: Bench;
let msgs: Msg[];
/** Business days on which `chatId` got case #id in `section`. */
const daysOf = (chatId: string, section: string, id: number) => msgs.filter((m) => m.chatId === chatId && (sections(m.markdown).get(section) ?? []).includes(id)).map((m) => m.day);

describe("four weeks through 中秋 and 国庆 with 调休", () => {
  beforeAll(async () => {
    b = await schedBench("2026-09-18 08:00");
    const id = async (text: string) => Number(/#(\d+)/.exec(text)![1]);
    // #1 signed, due 09-30, supervised by 李明华; #2 never signed, due 10-09; #3 closed today (patrol +7 = 09-25, a holiday);
    // #4 挂牌; #5 紧急, unsigned until 09-20; #6 阶段性办结 with its milestone on 10-09.
    expect(await id(await say(b.deps, "disp", "g-command", "交办 A油烟扰民 给 荷花池街道 限 9月30日 督办 李明华"))).toBe(1);
    await say(b.deps, "hh.officer", "g-hh", "签收 #1");
    expect(await id(await say(b.deps, "disp", "g-command", "交办 B夜间施工噪声 给 驷马桥街道 限 10月9日"))).toBe(2);
    expect(await id(await say(b.deps, "disp", "g-command", "交办 C废水直排 给 区城管局 限 9月30日"))).toBe(3);
    await say(b.deps, "cg.head", "g-cg", "签收 #3");
    expect(await say(b.deps, "cg.head", "g-cg", `办结 #3\n${CLOSE_ALL}`, { images: [PNG] })).toContain("已提交");
    expect(await say(b.deps, "lead", "g-command", "通过 #3")).toContain("审核通过");
    expect(await id(await say(b.deps, "disp", "g-command", "交办 D工地扬尘 给 驷马桥街道 限 10月30日"))).toBe(4);
    expect(await say(b.deps, "lead", "g-command", "挂牌 #4")).toContain("挂牌督办");
    expect(await id(await say(b.deps, "disp", "g-command", "交办 E化工厂偷排 给 荷花池街道 限 9月30日 紧急"))).toBe(5);
    expect(await id(await say(b.deps, "disp", "g-command", "交办 F河道垃圾 给 驷马桥街道 限 9月30日"))).toBe(6);
    await say(b.deps, "sm.officer", "g-sm", "签收 #6");
    expect(await say(b.deps, "sm.officer", "g-sm", `办结 #6\n${CLOSE_ALL}\n结果：阶段性办结\n节点：10月9日`, { images: [PNG] })).toContain("已提交");
    // #6 carries the same test PNG as #3, which the photo check flags (issue 10): 通过 names what was checked.
    expect(await say(b.deps, "lead", "g-command", "通过 #6 已现场核实")).toContain("阶段性办结");

    for (let at = cst("2026-09-18 08:30"); at <= cst("2026-10-15 09:00"); at += 30 * 60_000) {
      if (at === cst("2026-09-20 10:00")) {
        b.clock.set(at);
        expect(await say(b.deps, "hh.officer", "g-hh", "签收 #5")).toContain("已签收");
      }
      const r = await b.tick(at);
      expect(r.status).toBe("ran");
      expect(r.pending).toBe(0);
    }
    msgs = await b.messages();
  }, 120_000);
  afterAll(() => b.cleanup());

  it("sends the command group one 每日通报 on each working day (make-up days included, holidays not), on time", () => {
    const digests = msgs.filter((m) => m.chatId === "g-command" && m.markdown.startsWith("**每日通报"));
    expect(digests.map((m) => m.day)).toEqual(WORKING);
    for (const m of digests) expect(new Date(m.at).toISOString().slice(11, 16)).toBe("00:30"); // 08:30 CST
    expect(digests.some((m) => m.markdown.includes("补发"))).toBe(false);
  });

  it("sends 周报 on the first working day of each ISO week and 月报 on the first of each month", () => {
    const first = (label: string) => msgs.filter((m) => m.chatId === "g-command" && m.markdown.includes(`**${label}`)).map((m) => m.day);
    expect(first("周报")).toEqual(days("09-18", "09-21", "09-28", "10-08", "10-12"));
    expect(first("月报")).toEqual(days("09-18", "10-08"));
  });

  it("sends nothing in quiet hours or on days off except the 紧急 case #5", () => {
    const offHours = msgs.filter((m) => !WORKING.includes(m.day) || m.markdown.startsWith("**紧急"));
    for (const m of offHours) {
      expect(m.markdown.startsWith("**紧急督办提醒")).toBe(true);
      expect(new Set(caseNumbers(m.markdown))).toEqual(new Set([5]));
    }
    const hh = offHours.filter((m) => m.chatId === "g-hh");
    expect(hh.map((m) => m.day)).toEqual(days("09-18", "09-19", ...range("10-01", "10-07").map((d) => d.slice(5)), "10-11"));
    // #5's ack limit is 2 clock hours after it was created (紧急 does not wait for office hours): the 10:30 tick is the first after it. Its
    // deadline passed at 00:00 on 10-01: one alert at once, then once a day at 08:00 (end of quiet hours).
    expect(hh.map((m) => new Date(m.at).toISOString().slice(11, 16))).toEqual(["02:30", "00:00", "16:00", ...Array(6).fill("00:00"), "00:00"]);
    // By 10-11 it is 3 working days late, so its supervising line reaches the command group too — urgent is exempt
    // (outside the morning pass the command group has no digest to list it).
    expect(offHours.filter((m) => m.chatId !== "g-hh").map((m) => `${m.chatId} ${m.day}`)).toEqual(["g-command 2026-10-11"]);
  });

  it("reminds each case exactly on the days the policy says", () => {
    expect(daysOf("g-hh", "黄灯 · 即将到期", 1)).toEqual(days("09-28", "09-30"));
    expect(daysOf("g-hh", "红灯 · 逾期", 1)).toEqual(days("10-08", "10-09", "10-10", "10-12", "10-13", "10-14", "10-15"));
    // In the command group each overdue case is one line of the digest, under the step it is on (no 逾期升级 section).
    expect(daysOf("g-command", STEP_1, 1)).toEqual(days("10-08", "10-09"));
    expect(daysOf("g-command", STEP_LEADER, 1)).toEqual(days("10-10", "10-12", "10-13", "10-14"));
    expect(daysOf("g-command", STEP_ACCOUNTABILITY, 1)).toEqual(days("10-15"));
    expect(daysOf("g-command", "逾期升级 · 请包案领导督促", 1)).toEqual([]);
    expect(daysOf("g-acct", "逾期升级 · 已达问责时限", 1)).toEqual(days("10-15"));

    expect(daysOf("g-sm", "待签收超时", 2)).toEqual(days("09-21", "09-22", "09-23", "09-24", "09-28", "09-29", "09-30", "10-08", "10-09"));
    expect(daysOf("g-sm", "黄灯 · 即将到期", 2)).toEqual(days("09-30", "10-09"));
    expect(daysOf("g-sm", "红灯 · 逾期", 2)).toEqual(days("10-10", "10-12", "10-13", "10-14", "10-15"));
    expect(daysOf("g-command", STEP_1, 2)).toEqual(days("10-10", "10-12"));
    expect(daysOf("g-command", STEP_LEADER, 2)).toEqual(days("10-13", "10-14", "10-15"));

    expect(daysOf("g-cg", "回头看巡查", 3)).toEqual(days("09-28")); // +7 fell on 中秋; +30 is 10-18
    expect(daysOf("g-command", "今日应巡查", 3)).toEqual(days("09-28"));
    expect(daysOf("g-sm", "挂牌督办", 4)).toEqual(WORKING);
    expect(daysOf("g-hh", "待签收超时", 5)).toEqual(days("09-18", "09-19", "09-20"));
    expect(daysOf("g-hh", "红灯 · 逾期", 5)).toEqual(range("10-01", "10-15"));
    expect(daysOf("g-command", STEP_LEADER, 5)).toEqual(days("10-10", "10-12", "10-13", "10-14"));
    expect(daysOf("g-command", STEP_ACCOUNTABILITY, 5)).toEqual(days("10-15"));
    expect(daysOf("g-command", "逾期升级 · 请包案领导督促", 5)).toEqual(days("10-11")); // the day-off 紧急 run
    expect(daysOf("g-acct", "逾期升级 · 已达问责时限", 5)).toEqual(days("10-15"));
    expect(daysOf("g-sm", "回头看巡查", 6)).toEqual(days("10-09")); // milestone instead of +7/+30
  });

  it("sends at most one message per group per run, and each unit group only its own cases", () => {
    const perRun = new Map<string, number>();
    for (const m of msgs) perRun.set(`${m.chatId}@${m.at}`, (perRun.get(`${m.chatId}@${m.at}`) ?? 0) + 1);
    expect([...perRun.values()].every((n) => n === 1)).toBe(true);
    const own: Record<string, number[]> = { "g-hh": [1, 5], "g-sm": [2, 4, 6], "g-cg": [3] };
    for (const m of msgs.filter((x) => x.chatId in own)) {
      for (const n of caseNumbers(m.markdown)) expect(own[m.chatId]).toContain(n);
    }
    expect(msgs.filter((m) => m.chatId === "g-sm").every((m) => !m.markdown.includes("荷花池"))).toBe(true);
  });

  it("@-mentions each person at most once a business day, on exactly the expected days", () => {
    const per = mentionsPerDay(msgs);
    expect([...per.values()].every((n) => n === 1)).toBe(true);
    const daysFor = (u: string) => [...per.keys()].filter((k) => k.endsWith(` ${u}`)).map((k) => k.split(" ")[0]).sort();
    expect(daysFor("hh.head")).toEqual([...days("09-18", "09-19", "09-20"), ...range("10-01", "10-15")]);
    expect(daysFor("hh.officer")).toEqual([...days("09-18", "09-19", "09-20", "09-28", "09-30"), ...range("10-01", "10-15")]);
    // The 包案领导 of #1 and #5 is @-ed on the days they reach a step (3 and 7 working days late), not every day after.
    expect(daysFor("lead")).toEqual(days("10-10", "10-15"));
    const sm = days("09-21", "09-22", "09-23", "09-24", "09-28", "09-29", "09-30", "10-08", "10-09", "10-10", "10-12", "10-13", "10-14", "10-15");
    expect(daysFor("sm.head")).toEqual(sm);
    expect(daysFor("sm.officer")).toEqual(sm);
    expect(daysFor("cg.head")).toEqual([]);
  });

  it("keeps every message within WeCom's markdown limit and every slot row matched by a message", async () => {
    for (const m of msgs) expect(new TextEncoder().encode(m.markdown + m.mentions.map((u) => `<@${u}> `).join("")).byteLength).toBeLessThanOrEqual(4096);
    const lines = (await b.slots()).filter((s) => s.target.startsWith("#"));
    for (const s of lines) {
      const [id, chat] = s.target.slice(1).split("@");
      const sent = msgs.filter((m) => m.chatId === chat && m.at === s.createdAt && caseNumbers(m.markdown).includes(Number(id)));
      expect(sent.length, `${s.job} ${s.slot} ${s.target}`).toBe(1);
    }
  });
});

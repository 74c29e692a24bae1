/**
 * Issue 10 through chat on a real libSQL file: photos drawn in the test, sent as people send them, checked at
 * receipt and shown to the leader with the other case's number or the capture date; distinct photos stay silent.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deps } from "../../src/deps.js";
import { tempDb } from "../helpers/db.js";
import { say, seedFixture, testClock, testDeps } from "../helpers/fixture.js";
import { crop, decode, encode, plantExif, resize, scene } from "../helpers/photos.js";
import { renderWecomChunks } from "../../src/bot/wecom/render.js";

const CLOSE = "核查：属实，经现场核实\n整改：已清理完毕\n分类：限期整改\n责任：约谈负责人，责令整改\n回访：满意";
let t: Awaited<ReturnType<typeof tempDb>>;
let deps: Deps;
const clock = testClock();
const photo = (seed: number, w = 960, h = 720) => encode(scene(seed, w, h), 88);

async function dispatch(title: string, unit = "荷花池街道"): Promise<number> {
  const r = await say(deps, "disp", "g-command", `交办 ${title} 给 ${unit} 限 5个工作日`);
  return Number(/#(\d+)/.exec(r)![1]);
}
const chatOf = (unit: string) => (unit === "荷花池街道" ? ["hh.officer", "g-hh"] : ["sm.officer", "g-sm"]);
async function closeWith(id: number, unit: string, images: Uint8Array[]): Promise<string> {
  const [who, chat] = chatOf(unit);
  await say(deps, who, chat, `签收 #${id}`);
  return say(deps, who, chat, `办结 #${id}\n${CLOSE}`, { images });
}
/** What reached the command group (the leader) about a case. */
const leaderPush = async (id: number) =>
  (await t.db.all<{ p: string }>(sql`select payload as p from outbox where target = 'wecom:g-command' and case_id = ${id} order by id`)).map((r) => renderWecomChunks(JSON.parse(r.p)).map((c) => c.markdown).join("\n")).join("\n");

const A = photo(11);
let caseA: number;

beforeAll(async () => {
  t = await tempDb();
  await seedFixture(t.db);
  deps = await testDeps(t.db, t.dir, clock);
  caseA = await dispatch("荷花池某工地扬尘");
  expect(await closeWith(caseA, "荷花池街道", [A])).toContain("已提交");
});
afterAll(() => t.cleanup());

describe("photo evidence checks through chat", () => {
  it("stores the facts read from the original with the attachment", async () => {
    const [row] = await t.db.all<{ photo_check: string; phash: string; ph0: number; phase: string }>(sql`select photo_check, phash, ph0, phase from attachments where case_id = ${caseA}`);
    expect(row.photo_check).toBe("ok");
    expect(row.phash).toMatch(/^[0-9a-f]{16}$/);
    expect(row.ph0).toBe(parseInt(row.phash.slice(0, 4), 16));
    expect(row.phase).toBe("after");
  });

  it("a byte-identical photo on another unit's case is flagged to the leader with the other case's number", async () => {
    const b = await dispatch("驷马桥某餐馆油烟", "驷马桥街道");
    const reply = await closeWith(b, "驷马桥街道", [A]);
    expect(reply).toContain(`与 #${caseA} 的整改后照片相同（12月1日 荷花池街道 提交）`);
    const push = await leaderPush(b);
    expect(push).toContain(`与 #${caseA} 的整改后照片相同`);
    expect(push).toContain(`通过 #${b} 已现场核实`);
    expect(await say(deps, "lead", "g-command", `查 #${b}`)).toContain(`与 #${caseA} 的整改后照片相同`);
    // 通过 over a flag needs the leader's word on what was checked, kept in the timeline and the audit log.
    const refused = await say(deps, "lead", "g-command", `通过 #${b}`);
    expect(refused).toContain("照片核查提示，请核实后写明核实情况再通过");
    expect(refused).toContain(`通过 #${b} 已现场核实`);
    expect(await say(deps, "lead", "g-command", `通过 #${b} 已现场核实，两处整改均已完成`)).toContain("审核通过");
    const [ev] = await t.db.all<{ text: string }>(sql`select text from case_events where case_id = ${b} and kind = 'closure_approved'`);
    expect(ev.text).toContain("照片核查已核实：已现场核实，两处整改均已完成");
    const [au] = await t.db.all<{ d: string }>(sql`select detail as d from audit_log where action = 'case.closure.photo_confirm' and object = ${`case:${b}`}`);
    expect(JSON.parse(au.d).photoCheckNote).toBe("已现场核实，两处整改均已完成");
    // After a 反弹 the new round is judged on its own photos: the answered flag of round 1 asks nothing more.
    expect(await say(deps, "disp", "g-command", `巡查 #${b} 反弹 又有油烟`)).toContain("反弹");
    const again = await say(deps, "sm.officer", "g-sm", `办结 #${b}\n${CLOSE}`, { images: [photo(30)] });
    expect(again).toContain("已提交");
    expect(again).not.toContain("照片核查");
    expect(await say(deps, "lead", "g-command", `通过 #${b}`)).toContain("审核通过");
  });

  it("a re-encoded copy at another size and a slightly cropped one are flagged as near-identical", async () => {
    const full = decode(A);
    const c = await dispatch("荷花池某河道垃圾");
    const reply = await closeWith(c, "荷花池街道", [encode(resize(full, 640), 70)]);
    expect(reply).toMatch(new RegExp(`与 #${caseA} 的整改后照片(几乎相同|非常相似)`));
    expect(await leaderPush(c)).toContain(`#${caseA}`);
    const d = await dispatch("驷马桥某工地噪声", "驷马桥街道");
    // The closest earlier photo is named: the original or its resized copy.
    expect(await closeWith(d, "驷马桥街道", [encode(crop(full, 0.04), 80)])).toMatch(new RegExp(`与 #(${caseA}|${c}) 的整改后照片(几乎相同|非常相似)`));
  });

  it("distinct photos raise no flag, and 查 says so", async () => {
    const e = await dispatch("荷花池某菜市场污水");
    const reply = await closeWith(e, "荷花池街道", [photo(12), photo(13)]);
    expect(reply).toContain("已提交");
    expect(reply).not.toContain("照片核查");
    expect(await leaderPush(e)).not.toContain("照片核查");
    expect(await say(deps, "lead", "g-command", `查 #${e}`)).toContain("照片核查：未发现异常（2 张无拍摄时间和地点信息）");
    expect(await say(deps, "lead", "g-command", `通过 #${e}`)).toContain("审核通过"); // no flag, no confirmation asked
  });

  it("a photo taken before dispatch is flagged with the capture date", async () => {
    const f = await dispatch("荷花池某小区油烟");
    const old = plantExif(photo(14), { time: "2026:11:02 09:41:07" });
    const reply = await closeWith(f, "荷花池街道", [old]);
    expect(reply).toContain("拍摄时间 11月2日 早于交办时间 12月1日");
    expect(await leaderPush(f)).toContain("拍摄时间 11月2日 早于交办时间 12月1日");
  });

  it("an after-photo that is this case's before-photo is flagged; a photo far from the case's others too", async () => {
    const g = await dispatch("荷花池某工厂废气");
    const [who, chat] = chatOf("荷花池街道");
    await say(deps, who, chat, `签收 #${g}`);
    const before = plantExif(photo(15), { time: "2026:12:01 09:30:00", lat: 30.6577, lon: 104.0658 });
    expect(await say(deps, who, chat, `进展 #${g} 现场情况`, { images: [before] })).toContain("整改前");
    const far = plantExif(photo(16), { time: "2026:12:01 09:40:00", lat: 30.6577 + 0.0333, lon: 104.0658 });
    const reply = await say(deps, who, chat, `办结 #${g}\n${CLOSE}`, { images: [before, far] });
    expect(reply).toContain("第2张（整改后）：与本案的整改前照片相同");
    expect(reply).toMatch(/第3张（整改后）：拍摄地点距本案其他照片约 3\.\d 公里/);
  });

  it("a photo the decoder cannot read is kept and recorded as 未能检查", async () => {
    const h = await dispatch("荷花池某餐馆噪声");
    const odd = photo(17).slice();
    const dqt = odd.findIndex((b, i) => b === 0xff && odd[i + 1] === 0xdb);
    odd[dqt + 1] = 0xe5; // the quantisation tables become an application segment: sizes readable, pixels not
    expect(await closeWith(h, "荷花池街道", [odd])).toContain("已提交");
    const [row] = await t.db.all<{ c: string }>(sql`select photo_check as c from attachments where case_id = ${h}`);
    expect(row.c).toBe("failed");
    expect(await say(deps, "lead", "g-command", `查 #${h}`)).toContain("1 张未能检查");
  });
});

describe("photos sent the way people send them", () => {
  it("a photo sent with 整改后 words is an after-photo; after a 办结 it is one too; 照片 #N 第2张 改为整改后 re-marks", async () => {
    const k = await dispatch("荷花池某河道漂浮物");
    const [who, chat] = chatOf("荷花池街道");
    await say(deps, who, chat, `签收 #${k}`);
    await say(deps, who, chat, `查 #${k}`); // names the case: the next photos bind to it
    expect(await say(deps, who, chat, "现场照片", { images: [photo(21)] })).toContain("（整改前）");
    expect(await say(deps, who, chat, "已整改完成", { images: [photo(22)] })).toContain("（整改后）");
    expect(await say(deps, who, chat, "", { images: [photo(23)] })).toContain(`照片 #${k} 第1张 改为整改后`);
    const phases = async () => (await t.db.all<{ p: string | null }>(sql`select phase as p from attachments where case_id = ${k} order by id`)).map((r) => r.p);
    expect(await phases()).toEqual(["before", "after", null]);
    expect(await say(deps, who, chat, `照片 #${k} 第3张 改为整改后`)).toContain("第3张照片改为整改后");
    expect(await phases()).toEqual(["before", "after", "after"]);
    expect(await say(deps, who, chat, `照片 #${k} 第5张 改为整改后`)).toContain("共有 3 张照片，没有第5张");
    expect(await say(deps, "sm.officer", "g-sm", `照片 #${k} 第1张 改为整改后`)).toMatch(/没有找到案件|没有权限/);
    const [ev] = await t.db.all<{ text: string }>(sql`select text from case_events where case_id = ${k} and kind = 'evidence' order by id desc limit 1`);
    expect(ev.text).toBe("第3张照片改为整改后");
    const [audit] = await t.db.all<{ n: number }>(sql`select count(*) as n from audit_log where action = 'case.evidence.remark' and object = ${`case:${k}`}`);
    expect(audit.n).toBe(1);
    await say(deps, who, chat, `办结 #${k}\n${CLOSE}`);
    expect(await say(deps, who, chat, "", { images: [photo(24)] })).toContain("（整改后）");
    // A case number in the caption names the case, even with another case named just before.
    await say(deps, who, chat, `查 #${caseA}`);
    expect(await say(deps, who, chat, `照片 #${k} 整改后`, { images: [photo(25)] })).toContain(`已将 1 个附件归入 #${k}`);
  });
});

describe("the daily digest", () => {
  it("lists the day's flagged 办结 submissions for the command group, with their evidence", async () => {
    const { previewDigest } = await import("../../src/schedules/operator.js");
    const r = await previewDigest(deps, Date.parse("2026-12-02T00:30:00Z"));
    if (!("text" in r)) throw new Error(r.error);
    expect(r.text).toMatch(/\*\*照片核查提示\*\*（[1-9]\d* 件办结申请，审核时请核实）/);
    expect(r.text).toMatch(new RegExp(`#\\d+ 驷马桥某餐馆油烟 · 驷马桥街道：第1张（整改后）：与 #${caseA} 的整改后照片相同`));
    expect(r.text).toContain("拍摄时间 11月2日 早于交办时间 12月1日");
    expect(r.text).not.toContain("荷花池某菜市场污水"); // distinct photos, no flag
    // The next day's digest starts afresh.
    const next = await previewDigest(deps, Date.parse("2026-12-03T00:30:00Z"));
    expect("text" in next && next.text).not.toContain("照片核查提示");
  });
});

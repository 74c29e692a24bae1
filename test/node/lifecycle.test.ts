import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { tempDb } from "../helpers/db.js";
import { distinctPhoto } from "../helpers/distinct-photo.js";
import { PNG, say, seedFixture, testClock, testDeps, U } from "../helpers/fixture.js";
import { attachments, auditLog, caseEvents, cases, outbox } from "../../src/db/schema.js";
import type { Deps } from "../../src/deps.js";

let t: Awaited<ReturnType<typeof tempDb>>;
let deps: Deps;
const clock = testClock();

beforeAll(async () => {
  t = await tempDb();
  await seedFixture(t.db);
  deps = await testDeps(t.db, t.dir, clock);
});
afterAll(() => t.cleanup());

const caseRow = async (id: number) => (await t.db.select().from(cases).where(eq(cases.id, id)))[0];
const newCaseId = (reply: string) => Number(/#(\d+)/.exec(reply)![1]);
const CLOSE_ALL = "核查：属实，经现场核实该店未安装油烟净化设施\n整改：已安装油烟净化器并投入使用\n分类：限期整改\n责任：约谈店主张某，责令整改\n回访：满意";

describe("a case from 交办 to 已办结 and back through a rebound", () => {
  it("walks the whole lifecycle with the closure gate", async () => {
    const created = await say(deps, "disp", "g-command", "@督办助手 交办 金牛大道某烧烤店油烟扰民 给 荷花池 配合 城管 限 5个工作日");
    expect(created).toContain("已交办");
    const id = newCaseId(created);
    let c = await caseRow(id);
    expect(c).toMatchObject({ state: "pending_ack", leadUnitId: U.hehuachi, coUnitIds: [U.chengguan], source: "巡查自查", version: 1 });
    // 5 working days from Tue 2026-12-01 → end of Tue 2026-12-08 in Shanghai.
    expect(new Date(c.dueAt!).toISOString()).toBe("2026-12-08T15:59:59.999Z");
    const pushes = await t.db.select().from(outbox).where(eq(outbox.caseId, id));
    expect(pushes.map((p) => p.target).sort()).toEqual(["wecom:g-cg", "wecom:g-hh"]);
    expect(JSON.stringify(pushes[0].payload)).toContain(`#${id}`);
    expect(JSON.stringify(pushes[0].payload)).not.toContain("{{caseId}}");

    expect(await say(deps, "hh.officer", "g-hh", `签收 #${id}`)).toContain("赵六 已签收");
    expect(await say(deps, "hh.officer", "g-hh", `进展 #${id} 已约谈店主，正在安装净化器 整改前`, { images: [PNG] })).toContain("附件 1 个（整改前）");
    expect(await say(deps, "hh.head", "g-hh", `延期 #${id} 至 12月20日 设备到货需10天`)).toContain("已提交");
    expect(await say(deps, "lead", "g-command", `同意延期 #${id}`)).toContain("同意");
    c = await caseRow(id);
    expect(new Date(c.dueAt!).toISOString()).toBe("2026-12-20T15:59:59.999Z");
    expect(c.extRequestedDue).toBeNull();

    const refused = await say(deps, "hh.officer", "g-hh", `办结 #${id}\n核查：属实，现场核实\n分类：限期整改`);
    expect(refused).toContain("暂不能申请办结");
    for (const item of ["整改到位", "责任落实", "群众满意", "整改后照片"]) expect(refused).toContain(item);
    expect((await caseRow(id)).state).toBe("in_progress");
    expect((await caseRow(id)).finding).toBeNull(); // nothing half-saved

    // After-photos other than the 整改前 one: a reused photo is flagged and 通过 would ask for a confirmation.
    expect(await say(deps, "hh.officer", "g-hh", `办结 #${id}\n${CLOSE_ALL}`, { images: [distinctPhoto(1)] })).toContain("已提交");
    expect((await caseRow(id)).state).toBe("pending_review");
    expect(await say(deps, "lead", "g-command", `驳回 #${id} 照片不能反映整改效果`)).toContain("驳回");
    expect((await caseRow(id)).state).toBe("in_progress");
    expect(await say(deps, "hh.officer", "g-hh", `办结 #${id}\n${CLOSE_ALL}`, { images: [distinctPhoto(2)] })).toContain("已提交");
    expect(await say(deps, "lead", "g-command", `通过 #${id}`)).toContain("审核通过");
    c = await caseRow(id);
    expect(c).toMatchObject({ state: "closed", verdict: "属实", handlingClass: "限期整改", callbackResult: "满意", outcome: "closed" });

    expect(await say(deps, "disp", "g-command", `巡查 #${id} 反弹 又有油烟`)).toContain("反弹");
    c = await caseRow(id);
    expect(c).toMatchObject({ state: "in_progress", reboundCount: 1, closedAt: null });

    const kinds = (await t.db.select().from(caseEvents).where(eq(caseEvents.caseId, id))).map((e) => e.kind);
    expect(kinds).toEqual(["created", "acknowledged", "progress", "extension_requested", "extension_approved", "closure_submitted", "closure_rejected", "closure_submitted", "closure_approved", "rebound"]);
    const photos = await t.db.select().from(attachments).where(eq(attachments.caseId, id));
    expect(photos.map((p) => p.phase)).toEqual(["before", "after", "after"]);
    expect(photos.every((p) => /^[0-9a-f]{64}$/.test(p.sha256))).toBe(true);
    const audits = await t.db.select().from(auditLog).where(eq(auditLog.object, `case:${id}`));
    const receipts = audits.filter((a) => a.action === "evidence.receive");
    expect(audits.filter((a) => a.result === "ok" && a.action !== "evidence.receive")).toHaveLength(kinds.length);
    // Each photo's SHA-256 is in the audit log from the moment it arrived (R37).
    const received = receipts.flatMap((a) => (a.detail as { files: { sha256: string }[] }).files.map((f) => f.sha256));
    expect(received.sort()).toEqual(photos.map((p) => p.sha256).sort());
  });

  it("answers a redelivered message with the same reply and no second effect (R06)", async () => {
    const first = await say(deps, "disp", "g-command", "交办 幸福路工地夜间施工噪声 给 驷马桥街道", { msgId: "dup-1" });
    const again = await say(deps, "disp", "g-command", "交办 幸福路工地夜间施工噪声 给 驷马桥街道", { msgId: "dup-1" });
    expect(again).toBe(first);
    const rows = await t.db.select().from(cases).where(eq(cases.title, "幸福路工地夜间施工噪声"));
    expect(rows).toHaveLength(1);
  });

  it("lets exactly one of twenty concurrent 签收 win and tells the others who signed (R12)", async () => {
    const id = newCaseId(await say(deps, "disp", "g-command", "交办 抚琴路餐馆油烟 给 驷马桥街道"));
    const signers = Array.from({ length: 20 }, (_, i) => (i % 2 ? "sm.head" : "sm.officer"));
    const replies = await Promise.all(signers.map((u) => say(deps, u, "g-sm", `签收 #${id}`)));
    expect(replies.filter((r) => r.includes("已签收") && !r.includes("无需重复")).length).toBe(1);
    expect(replies.filter((r) => r.includes("无需重复签收")).length).toBe(19);
    expect((await caseRow(id)).version).toBe(2);
    const acks = (await t.db.select().from(caseEvents).where(eq(caseEvents.caseId, id))).filter((e) => e.kind === "acknowledged");
    expect(acks).toHaveLength(1);
  });

  it("asks which case for a lone photo, keeps it pending, then binds it when the case is named", async () => {
    clock.advance(2 * 60 * 60_000); // no recent case named in this chat
    const ask = await say(deps, "sm.officer", "g-sm", "", { images: [PNG] });
    expect(ask).toContain("属于哪个案件");
    const pending = (await t.db.select().from(attachments)).filter((a) => a.caseId === null);
    expect(pending).toHaveLength(1);
    const id = newCaseId(await say(deps, "disp", "g-command", "交办 营门口河道漂浮垃圾 给 驷马桥街道"));
    await say(deps, "sm.officer", "g-sm", `签收 #${id}`);
    expect(await say(deps, "sm.officer", "g-sm", `#${id}`)).toContain("已将 1 个附件归入");
    expect((await t.db.select().from(attachments).where(eq(attachments.caseId, id))).length).toBe(1);
    // Within 30 minutes of naming the case, the next photo binds without asking.
    expect(await say(deps, "sm.officer", "g-sm", "", { images: [PNG] })).toContain(`归入 #${id}`);
  });

  it("refuses the fourth return: after three the office designates the unit (定责)", async () => {
    const id = newCaseId(await say(deps, "disp", "g-command", "交办 某小区化粪池外溢 给 荷花池街道"));
    const units = ["驷马桥街道", "荷花池街道", "驷马桥街道"];
    const heads: Record<string, string> = { 荷花池街道: "hh.head", 驷马桥街道: "sm.head" };
    let holder = "荷花池街道";
    for (const next of units) {
      expect(await say(deps, heads[holder], holder === "荷花池街道" ? "g-hh" : "g-sm", `退回 #${id} 不属于本辖区`)).toContain("已退回");
      expect(await say(deps, "disp", "g-command", `改派 #${id} 给 ${next}`)).toContain("改派");
      holder = next;
    }
    expect((await caseRow(id)).designated).toBe(true);
    expect(await say(deps, "sm.head", "g-sm", `退回 #${id} 还是不属于`)).toContain("不能再退回");
  });
});

describe("紧急 cases", () => {
  it("must be signed within 2 clock hours, nights and weekends included (spec §4)", async () => {
    const saved = clock();
    clock.set(Date.parse("2026-12-05T14:00:00Z")); // Saturday 22:00 Asia/Shanghai
    try {
      const reply = await say(deps, "disp", "g-command", "交办 某化工厂夜间偷排废水 给 荷花池街道 紧急");
      expect(reply).toContain("12月6日 00:00（紧急）");
      const c = await caseRow(newCaseId(reply));
      expect(c.ackBy).toBe(Date.parse("2026-12-05T16:00:00Z"));
      expect(c.priority).toBe("urgent");
      // An ordinary case the same evening waits for the next working day.
      const plain = await caseRow(newCaseId(await say(deps, "disp", "g-command", "交办 某小区噪声扰民 给 荷花池街道")));
      expect(plain.ackBy).toBeGreaterThan(Date.parse("2026-12-07T00:00:00Z"));
    } finally {
      clock.set(saved);
    }
  });
});

describe("mentions of the bot", () => {
  it("are not command text wherever they stand (BOT_NAMES)", async () => {
    const id = newCaseId(await say(deps, "disp", "g-command", "交办 荷花池某店招牌灯光扰民 给 荷花池街道 限 5个工作日"));
    await say(deps, "hh.officer", "g-hh", `签收 #${id} @督办助手`);
    expect(await say(deps, "hh.officer", "g-hh", `进展 #${id} 已约谈店主 @督办助手`)).toContain("已记录");
    const [e] = await t.db.select().from(caseEvents).where(eq(caseEvents.caseId, id)).orderBy(caseEvents.id);
    const events = await t.db.select().from(caseEvents).where(eq(caseEvents.caseId, id));
    expect(events.find((x) => x.kind === "progress")?.text).toBe("已约谈店主");
    expect(e.kind).toBe("created");
  });
});

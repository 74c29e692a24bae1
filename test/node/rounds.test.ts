/**
 * Handling rounds and the closure gate as an invariant (issue 10, spec §2.2) through chat, the dashboard and the
 * API: a reopened or reassigned case cannot be closed with the earlier round's answers or photos; 驳回 with named
 * items clears only those; 通过 re-checks the stored round on every surface.
 */
import { and, asc, eq } from "drizzle-orm";
import readXlsxFile from "read-excel-file/universal";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_POLICY } from "../../src/api/policy.js";
import { createApiToken } from "../../src/db/api-tokens.js";
import { attachments, caseRounds, cases } from "../../src/db/schema.js";
import { distinctPhoto } from "../helpers/distinct-photo.js";
import { say } from "../helpers/fixture.js";
import { get, ORIGIN, post, sessionFor, webApp } from "../helpers/web.js";

const photo = distinctPhoto;

const CLOSE_ALL = "核查：属实，经现场核实该店未安装油烟净化设施\n整改：已安装油烟净化器并投入使用\n分类：限期整改\n责任：约谈店主张某，责令整改\n回访：满意";
const CLOSE_NEW = "核查：属实，复查发现净化器停用\n整改：已恢复净化器运行并加装在线监控\n分类：限期整改\n责任：对店主立案处罚，罚款5000元\n回访：基本满意";

let w: Awaited<ReturnType<typeof webApp>>;
let seed = 1;
let reopened = 0; // closed twice: round 1 before the 反弹, round 2 after
const idOf = (reply: string) => Number(/#(\d+)/.exec(reply)![1]);
const row = async (id: number) => (await w.db.select().from(cases).where(eq(cases.id, id)))[0];
const rounds = (id: number) => w.db.select().from(caseRounds).where(eq(caseRounds.caseId, id)).orderBy(asc(caseRounds.round));

/** 交办 → 签收 → 办结 (with one after-photo) → 通过, through chat. */
async function closedCase(title: string): Promise<number> {
  const id = idOf(await say(w.deps, "disp", "g-command", `交办 ${title} 给 荷花池街道 限 12月25日`));
  expect(await say(w.deps, "hh.officer", "g-hh", `签收 #${id}`)).toContain("已签收");
  expect(await say(w.deps, "hh.officer", "g-hh", `办结 #${id}\n${CLOSE_ALL}`, { images: [photo(seed++)] })).toContain("已提交");
  expect(await say(w.deps, "lead", "g-command", `通过 #${id}`)).toContain("审核通过");
  return id;
}

beforeAll(async () => {
  w = await webApp();
});
afterAll(() => w.store.cleanup());

describe("反弹 starts a new round", () => {
  it("refuses a bare 办结 and the old photos, keeps the closed round, and closes only on this round's answers", async () => {
    const id = (reopened = await closedCase("金牛大道某烧烤店油烟扰民"));
    expect(await say(w.deps, "disp", "g-command", `巡查 #${id} 反弹 又有油烟`)).toContain("第 2 轮");
    const c = await row(id);
    expect(c).toMatchObject({ state: "in_progress", round: 2, roundReason: "rebound", finding: null, rectification: null, accountableParty: null, callbackResult: null });
    expect(await say(w.deps, "disp", "g-command", `查 #${id}`)).toContain("四不放过（第2轮，只计本轮）：查清✘ 整改✘ 责任✘ 满意✘");

    const bare = await say(w.deps, "hh.officer", "g-hh", `办结 #${id}`);
    expect(bare).toContain("暂不能申请办结");
    for (const item of ["查清", "整改到位", "责任落实", "群众满意", "至少一张整改后照片"]) expect(bare).toContain(item);
    expect(bare).toContain("第 2 轮");
    expect(bare).toContain("案件页");
    expect(bare).toContain(`照片 #${id} 第2张 改为整改后`); // how to add the missing after-photo
    expect(bare).toContain(`办结 #${id}\n核查：`); // the exact format

    // All four answers again, but the only after-photo is the first round's: still refused.
    const noPhoto = await say(w.deps, "hh.officer", "g-hh", `办结 #${id}\n${CLOSE_NEW}`);
    expect(noPhoto).toContain("至少一张整改后照片");
    expect(noPhoto).not.toContain("查清：");
    expect((await row(id)).state).toBe("in_progress");

    expect(await say(w.deps, "hh.officer", "g-hh", `办结 #${id}\n${CLOSE_NEW}`, { images: [photo(seed++)] })).toContain("已提交");
    expect(await say(w.deps, "lead", "g-command", `通过 #${id}`)).toContain("审核通过");
    expect(await row(id)).toMatchObject({ state: "closed", round: 2, accountabilityAction: "立案处罚", callbackResult: "基本满意" });

    const [r1] = await rounds(id);
    expect(r1).toMatchObject({ round: 1, reason: "dispatch", unitId: 1, cleared: ["核查", "整改", "责任", "回访"] });
    expect(r1.items).toMatchObject({ rectification: "已安装油烟净化器并投入使用", callbackResult: "满意" });
    const files = await w.db.select({ round: attachments.round, phase: attachments.phase }).from(attachments).where(eq(attachments.caseId, id)).orderBy(asc(attachments.id));
    expect(files).toEqual([{ round: 1, phase: "after" }, { round: 2, phase: "after" }]);
  });
});

describe("photos of a new round", () => {
  it("a pending photo bound later takes the current round, and re-marking it as 整改后 satisfies the gate", async () => {
    const id = await closedCase("荷花池某烧烤摊油烟");
    await say(w.deps, "disp", "g-command", `巡查 #${id} 反弹 又有油烟`);
    // The unit head has not named the case in this chat: the photo waits for "which case?" and is bound later.
    expect(await say(w.deps, "hh.head", "g-hh", "", { images: [photo(seed++)] })).toContain("属于哪个案件");
    expect(await say(w.deps, "hh.head", "g-hh", `#${id}`)).toContain("1 个附件");
    const files = await w.db.select({ round: attachments.round, phase: attachments.phase }).from(attachments).where(eq(attachments.caseId, id)).orderBy(asc(attachments.id));
    expect(files).toEqual([{ round: 1, phase: "after" }, { round: 2, phase: null }]);
    const refused = await say(w.deps, "hh.officer", "g-hh", `办结 #${id}\n${CLOSE_NEW}`);
    expect(refused).toContain(`照片 #${id} 第2张 改为整改后`);
    expect(await say(w.deps, "hh.officer", "g-hh", `照片 #${id} 第2张 改为整改后`)).toContain("改为整改后");
    expect(await say(w.deps, "hh.officer", "g-hh", `办结 #${id}\n${CLOSE_NEW}`)).toContain("已提交");
    // Re-marking the first round's photo instead would not have counted: it belongs to round 1.
    expect(await say(w.deps, "lead", "g-command", `通过 #${id}`)).toContain("审核通过");
  });
});

describe("every round on the case page, in the dossier and in the export", () => {
  it("shows each ended round with its own four items and photos, and counts only this round's photos", async () => {
    const id = reopened;
    const s = await sessionFor(w.db, "disp", w.clock());
    const files = await w.db.select().from(attachments).where(eq(attachments.caseId, id)).orderBy(asc(attachments.id));
    const page = await (await get(w.app, `/dashboard/cases/${id}`, s.cookie)).text();
    expect(page).toContain("本轮：第 2 轮（反弹重办");
    const round1 = page.slice(page.indexOf('data-round="1"'), page.indexOf("</li>", page.indexOf('data-round="1"')));
    expect(round1).toContain("第 1 轮 · 交办 · 荷花池街道");
    expect(round1).toContain("因反弹重办结束");
    expect(round1).toContain("限期整改：已安装油烟净化器并投入使用");
    expect(round1).toContain("约谈店主张某，责令整改");
    expect(round1).toContain(`data-round-photo="${files[0].id}"`);
    expect(round1).not.toContain(`data-round-photo="${files[1].id}"`);
    const checklist = page.slice(page.indexOf('id="checklist"'), page.indexOf("</ol>", page.indexOf('id="checklist"')));
    expect(checklist).toContain("已恢复净化器运行并加装在线监控");
    expect(checklist).toContain("1 张"); // this round's after-photo only

    const dossier = await (await get(w.app, `/dashboard/cases/${id}/dossier`, s.cookie)).text();
    expect(dossier).toContain("二、四不放过（第 2 轮（反弹重办");
    expect(dossier).toContain('data-round="1"');
    expect(dossier).toContain("限期整改：已安装油烟净化器并投入使用");

    const res = await post(w.app, "/dashboard/cases/export.xlsx", { _csrf: s.csrf }, { cookie: s.cookie }); // a POST: exports are audited
    const [sheet] = await readXlsxFile(await res.arrayBuffer());
    const head = sheet.data[0] as string[];
    const line = sheet.data.find((r) => r[head.indexOf("案件号")] === id)!;
    expect(line[head.indexOf("办理轮次")]).toBe(2);
    expect(line[head.indexOf("历次办理")]).toBe("第1轮（交办，荷花池街道，2026-12-01至2026-12-01）核查：属实；整改：已安装油烟净化器并投入使用；责任：约谈店主张某，责令整改；约谈；回访：满意；整改后照片 1 张");
    expect(line[head.indexOf("处理和整改情况")]).toBe("已恢复净化器运行并加装在线监控");
  });
});

describe("改派 to another unit starts a new round", () => {
  it("gives the new unit none of the earlier unit's answers", async () => {
    const id = idOf(await say(w.deps, "disp", "g-command", "交办 荷花池北街某餐馆油烟直排 给 荷花池街道 限 12月25日"));
    await say(w.deps, "hh.officer", "g-hh", `签收 #${id}`);
    expect(await say(w.deps, "hh.officer", "g-hh", `办结 #${id}\n${CLOSE_ALL}`, { images: [photo(seed++)] })).toContain("已提交");
    expect(await say(w.deps, "lead", "g-command", `驳回 #${id} 回访 未见回访记录`)).toContain("需重新报送：回访");
    expect(await row(id)).toMatchObject({ round: 2, finding: "属实，经现场核实该店未安装油烟净化设施", callbackResult: null });

    expect(await say(w.deps, "disp", "g-command", `改派 #${id} 给 驷马桥街道`)).toContain("改派给 驷马桥街道");
    expect(await row(id)).toMatchObject({ round: 3, roundReason: "reassign", leadUnitId: 2, finding: null, rectification: null, accountableParty: null });
    await say(w.deps, "sm.officer", "g-sm", `签收 #${id}`);
    const bare = await say(w.deps, "sm.officer", "g-sm", `办结 #${id}\n回访：满意`);
    for (const item of ["查清", "整改到位", "责任落实", "至少一张整改后照片"]) expect(bare).toContain(item);
    expect((await row(id)).state).toBe("in_progress");
    expect((await rounds(id)).map((r) => [r.round, r.reason, r.unitId])).toEqual([[1, "dispatch", 1], [2, "rejected", 1]]);
  });

  it("starts no round when the case stays with the same unit", async () => {
    const id = idOf(await say(w.deps, "disp", "g-command", "交办 荷花池南街噪声 给 荷花池街道 限 12月25日"));
    await say(w.deps, "disp", "g-command", `改派 #${id} 给 荷花池街道`);
    expect((await row(id)).round).toBe(1);
    expect(await rounds(id)).toEqual([]);
  });
});

describe("驳回 with named items", () => {
  it("clears only 整改 (and asks for a new after-photo), keeping the other three", async () => {
    const id = idOf(await say(w.deps, "disp", "g-command", "交办 荷花池东街某汽修厂喷漆异味 给 荷花池街道 限 12月25日"));
    await say(w.deps, "hh.officer", "g-hh", `签收 #${id}`);
    await say(w.deps, "hh.officer", "g-hh", `办结 #${id}\n${CLOSE_ALL}`, { images: [photo(seed++)] });
    const rejected = await say(w.deps, "lead", "g-command", `驳回 #${id} 整改 照片不清楚`);
    expect(rejected).toContain("原因：照片不清楚");
    expect(rejected).toContain("需重新报送：整改（其余沿用）");
    expect(await row(id)).toMatchObject({ state: "in_progress", round: 2, rectification: null, handlingClass: null, finding: "属实，经现场核实该店未安装油烟净化设施", accountabilityAction: "约谈", callbackResult: "满意" });
    const bare = await say(w.deps, "hh.officer", "g-hh", `办结 #${id}`);
    expect(bare).toContain("整改到位：缺处理和整改情况、处置分类（保留经营/限期整改/关停取缔/无需整改）、至少一张整改后照片");
    for (const item of ["查清：", "责任落实：", "群众满意："]) expect(bare).not.toContain(item);
    expect(bare).toContain("第 2 轮办理（驳回重报），需重新提交被驳回的项目，未驳回的项目沿用");
    expect(await say(w.deps, "hh.officer", "g-hh", `办结 #${id}\n整改：已更换净化设备\n分类：限期整改`, { images: [photo(seed++)] })).toContain("已提交");
  });

  it("names items the same way in the dashboard's 驳回 form", async () => {
    const id = idOf(await say(w.deps, "disp", "g-command", "交办 荷花池某菜市场噪声 给 荷花池街道 限 12月25日"));
    await say(w.deps, "hh.officer", "g-hh", `签收 #${id}`);
    await say(w.deps, "hh.officer", "g-hh", `办结 #${id}\n${CLOSE_ALL}`, { images: [photo(seed++)] });
    const s = await sessionFor(w.db, "lead", w.clock());
    const res = await post(w.app, `/dashboard/cases/${id}/act`, { _csrf: s.csrf, action: "reject_closure", reason: "回访 未见回访记录" }, { cookie: s.cookie });
    expect(res.status).toBe(303);
    expect(await row(id)).toMatchObject({ state: "in_progress", round: 2, callbackResult: null, rectification: "已安装油烟净化器并投入使用", finding: "属实，经现场核实该店未安装油烟净化设施" });
    expect((await rounds(id)).map((r) => r.cleared)).toEqual([["回访"]]);
  });

  it("keeps the round's after-photos when 整改 is not named, and clears all four when nothing is named", async () => {
    const id = idOf(await say(w.deps, "disp", "g-command", "交办 荷花池西街某洗车场污水外排 给 荷花池街道 限 12月25日"));
    await say(w.deps, "hh.officer", "g-hh", `签收 #${id}`);
    await say(w.deps, "hh.officer", "g-hh", `办结 #${id}\n${CLOSE_ALL}`, { images: [photo(seed++)] });
    await say(w.deps, "lead", "g-command", `驳回 #${id} 回访、责任 需补充`);
    expect(await say(w.deps, "hh.officer", "g-hh", `办结 #${id}\n责任：约谈店主，责令整改\n回访：满意`)).toContain("已提交");
    expect(await say(w.deps, "lead", "g-command", `驳回 #${id} 照片不能反映整改效果`)).toContain("需重新报送：核查、整改、责任、回访");
    expect(await row(id)).toMatchObject({ round: 3, finding: null, rectification: null, accountableParty: null, callbackResult: null });
    expect((await rounds(id)).map((r) => r.cleared)).toEqual([["回访", "责任"], ["核查", "整改", "责任", "回访"]]);
  });
});

describe("通过 re-checks the stored round on every surface", () => {
  /** A case waiting for review whose stored round fails the gate (as old or hand-edited data can). */
  async function failingReview(): Promise<number> {
    const id = idOf(await say(w.deps, "disp", "g-command", "交办 荷花池某工地扬尘 给 荷花池街道 限 12月25日"));
    await say(w.deps, "hh.officer", "g-hh", `签收 #${id}`);
    const c = await row(id);
    await w.db
      .update(cases)
      .set({ state: "pending_review", submittedAt: w.clock(), finding: "现场核实", verdict: "属实", rectification: "已覆盖", handlingClass: "限期整改", accountableParty: "施工方", accountabilityAction: "约谈", callbackResult: "满意", outcome: "closed", version: c.version + 1 })
      .where(eq(cases.id, id));
    return id;
  }

  it("in chat: refuses with the missing list and the way to add an after-photo", async () => {
    const id = await failingReview();
    const reply = await say(w.deps, "lead", "g-command", `通过 #${id}`);
    expect(reply).toContain(`#${id} 不能通过`);
    expect(reply).toContain("整改到位：缺至少一张整改后照片");
    expect(reply).toContain("改为整改后");
    expect((await row(id)).state).toBe("pending_review");
  });

  it("on the dashboard: the same refusal, the case page marks the same ✘, nothing changes", async () => {
    const id = await failingReview();
    const s = await sessionFor(w.db, "lead", w.clock());
    const page = await (await get(w.app, `/dashboard/cases/${id}`, s.cookie)).text();
    expect(page).toContain("缺：至少一张整改后照片");
    const before = await row(id);
    const res = await post(w.app, `/dashboard/cases/${id}/act`, { _csrf: s.csrf, action: "approve_closure" }, { cookie: s.cookie });
    expect(res.status).toBe(422);
    expect(await res.text()).toContain("整改到位：缺至少一张整改后照片");
    expect(await row(id)).toEqual(before);
  });

  it("through the API: no route can close a case, and a body carrying closure fields is refused whole", async () => {
    const writes = Object.keys(API_POLICY).filter((k) => !k.startsWith("GET "));
    expect(writes).toEqual(["POST /api/v1/cases"]);
    const { token } = await createApiToken(w.db, { name: "12345平台", roles: ["dispatcher"], unitId: null, createdBy: "cli", now: w.clock() });
    const create = (extra: Record<string, unknown>) =>
      w.app.request(`${ORIGIN}/api/v1/cases`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ content: "荷花池某商铺噪声扰民", leadUnit: "荷花池街道", source: "12345", ...extra }),
      });
    const count = async () => (await w.db.select({ id: cases.id }).from(cases)).length;
    const n = await count();
    const refused = await create({ state: "closed", outcome: "closed", finding: "已核实" });
    expect(refused.status).toBe(400);
    expect(await count()).toBe(n);
    const res = await create({});
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: number };
    expect(await row(body.id)).toMatchObject({ state: "pending_ack", round: 1, finding: null, outcome: null });
  });

  it("refuses 通过 when an after-photo is re-marked away after the submission", async () => {
    const id = idOf(await say(w.deps, "disp", "g-command", "交办 荷花池某餐馆油烟 给 荷花池街道 限 12月25日"));
    await say(w.deps, "hh.officer", "g-hh", `签收 #${id}`);
    await say(w.deps, "hh.officer", "g-hh", `办结 #${id}\n${CLOSE_ALL}`, { images: [photo(seed++)] });
    await w.db.update(attachments).set({ phase: "before" }).where(and(eq(attachments.caseId, id), eq(attachments.phase, "after")));
    expect(await say(w.deps, "lead", "g-command", `通过 #${id}`)).toContain("不能通过");
    expect((await row(id)).state).toBe("pending_review");
  });
});

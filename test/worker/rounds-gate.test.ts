/**
 * Handling rounds and the closure gate inside workerd against D1 (issue 10, spec §2.2): the attachment-round
 * trigger, case_rounds and the refusals behave as on libSQL.
 */
import { SELF, env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema.js";
import type { Db } from "../../src/db/types.js";
import { distinctPhoto } from "../helpers/distinct-photo.js";
import { seedFixture } from "../helpers/seed-fixture.js";

const CLOSE_ALL = "核查：属实，经现场核实该店未安装油烟净化设施\n整改：已安装油烟净化器并投入使用\n分类：限期整改\n责任：约谈店主张某，责令整改\n回访：满意";
const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));

async function say(userId: string, chatId: string, text: string, images?: Uint8Array[]): Promise<string> {
  const res = await SELF.fetch("http://localhost/sim/messages", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ chatId, userId, text: /^(dm-|single:)/.test(chatId) ? text : `@督办助手 ${text}`, images: images?.map(b64) }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { replies: string[] }).replies.join("\n");
}

const caseRow = async (id: number) => (await env.DB.prepare("select state, round, round_reason as reason, finding, version from cases where id = ?").bind(id).first()) as { state: string; round: number; reason: string; finding: string | null; version: number };

describe("rounds and the gate on D1", () => {
  beforeAll(async () => {
    await seedFixture(drizzle(env.DB, { schema }) as unknown as Db);
  });

  it("a reopened case cannot be closed with the earlier round's answers or photos", async () => {
    const id = Number(/#(\d+)/.exec(await say("disp", "g-command", "交办 金牛大道某烧烤店油烟扰民 给 荷花池街道 限 12月25日"))![1]);
    await say("hh.officer", "g-hh", `签收 #${id}`);
    expect(await say("hh.officer", "g-hh", `办结 #${id}\n${CLOSE_ALL}`, [distinctPhoto(1)])).toContain("已提交");
    expect(await say("lead", "g-command", `通过 #${id}`)).toContain("审核通过");
    expect(await say("disp", "g-command", `巡查 #${id} 反弹 又有油烟`)).toContain("第 2 轮");
    expect(await caseRow(id)).toMatchObject({ state: "in_progress", round: 2, reason: "rebound", finding: null });

    const bare = await say("hh.officer", "g-hh", `办结 #${id}`);
    for (const item of ["查清", "整改到位", "责任落实", "群众满意", "至少一张整改后照片", "第 2 轮"]) expect(bare).toContain(item);
    expect(await say("hh.officer", "g-hh", `办结 #${id}\n${CLOSE_ALL}`)).toContain("至少一张整改后照片");
    expect(await say("hh.officer", "g-hh", `办结 #${id}\n${CLOSE_ALL}`, [distinctPhoto(2)])).toContain("已提交");

    const files = await env.DB.prepare("select round from attachments where case_id = ? order by id").bind(id).all<{ round: number }>();
    expect(files.results.map((f) => f.round)).toEqual([1, 2]); // filled by the trigger on D1 too
    const ended = await env.DB.prepare("select round, reason, cleared from case_rounds where case_id = ?").bind(id).all<{ round: number; reason: string; cleared: string }>();
    expect(ended.results).toEqual([{ round: 1, reason: "dispatch", cleared: JSON.stringify(["核查", "整改", "责任", "回访"]) }]);
    await expect(env.DB.prepare("delete from case_rounds where case_id = ?").bind(id).run()).rejects.toThrow(/append-only/);
  });

  it("通过 refuses a case whose stored round fails the gate", async () => {
    const id = Number(/#(\d+)/.exec(await say("disp", "g-command", "交办 荷花池某工地扬尘 给 荷花池街道 限 12月25日"))![1]);
    await say("hh.officer", "g-hh", `签收 #${id}`);
    // Stored data as an older release could leave it: all four items, no after-photo.
    await env.DB.prepare(
      "update cases set state = 'pending_review', finding = '现场核实', verdict = '属实', rectification = '已覆盖', handling_class = '限期整改', accountable_party = '施工方', accountability_action = '约谈', callback_result = '满意', outcome = 'closed', version = version + 1 where id = ?",
    ).bind(id).run();
    const before = await caseRow(id);
    const reply = await say("lead", "g-command", `通过 #${id}`);
    expect(reply).toContain("不能通过");
    expect(reply).toContain("整改到位：缺至少一张整改后照片");
    expect(await caseRow(id)).toEqual(before);
  });
});

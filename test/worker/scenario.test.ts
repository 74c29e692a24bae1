import { SELF, env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { beforeAll, describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema.js";
import type { Db } from "../../src/db/types.js";
import { distinctPhoto } from "../helpers/distinct-photo.js";
import { seedFixture } from "../helpers/seed-fixture.js";

const PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
// After-photos that are not the 整改前 photo (a reused photo is flagged and 通过 would ask for a confirmation).
const AFTER_1 = btoa(String.fromCharCode(...distinctPhoto(11)));
const AFTER_2 = btoa(String.fromCharCode(...distinctPhoto(12)));
const CLOSE_ALL = "核查：属实，经现场核实该店未安装油烟净化设施\n整改：已安装油烟净化器并投入使用\n分类：限期整改\n责任：约谈店主张某，责令整改\n回访：满意";

async function say(userId: string, chatId: string, text: string, images?: string[]): Promise<string> {
  const res = await SELF.fetch("http://localhost/sim/messages", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ chatId, userId, text: /^(dm-|single:)/.test(chatId) ? text : `@督办助手 ${text}`, images }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { replies: string[] }).replies.join("\n");
}

const state = async (id: number) => (await env.DB.prepare("select state, rebound_count as rebounds from cases where id = ?").bind(id).first()) as { state: string; rebounds: number };

describe("the lifecycle scenario inside workerd against D1 and R2", () => {
  beforeAll(async () => {
    await seedFixture(drizzle(env.DB, { schema }) as unknown as Db);
  });

  it("交办 → 签收 → 进展 with a photo → 延期 → 同意延期 → 办结 refused → 办结 → 驳回 → 办结 → 通过 → 巡查 反弹", async () => {
    const created = await say("disp", "g-command", "交办 金牛大道某烧烤店油烟扰民 给 荷花池街道 限 12月25日");
    expect(created).toContain("已交办");
    const id = Number(/#(\d+)/.exec(created)![1]);
    expect(await say("hh.officer", "g-hh", `签收 #${id}`)).toContain("已签收");
    expect(await say("hh.officer", "g-hh", `进展 #${id} 已约谈店主 整改前`, [PNG_B64])).toContain("附件 1 个");
    expect(await say("hh.officer", "g-hh", "我的")).toContain(`#${id}`); // the unit's open list, one statement on D1
    const key = (await env.DB.prepare("select storage_key as k from attachments where case_id = ?").bind(id).first()) as { k: string };
    expect(await env.FILES.head(key.k)).not.toBeNull();
    expect(await say("hh.head", "g-hh", `延期 #${id} 至 2027-01-10 设备到货需10天`)).toContain("已提交");
    expect(await say("lead", "g-command", `同意延期 #${id}`)).toContain("同意");
    expect(await say("hh.officer", "g-hh", `办结 #${id}\n核查：属实`)).toContain("暂不能申请办结");
    expect(await say("hh.officer", "g-hh", `办结 #${id}\n${CLOSE_ALL}`, [AFTER_1])).toContain("已提交");
    expect(await say("lead", "g-command", "我的")).toContain(`#${id}`); // awaiting the leader's review
    expect(await say("lead", "g-command", `驳回 #${id} 照片不清楚`)).toContain("驳回");
    // A 驳回 naming no item starts a round that needs all four again and a new after-photo (spec §2.2).
    expect(await say("hh.officer", "g-hh", `办结 #${id}\n${CLOSE_ALL}`)).toContain("至少一张整改后照片");
    expect(await say("hh.officer", "g-hh", `办结 #${id}\n${CLOSE_ALL}`, [AFTER_2])).toContain("已提交");
    expect(await say("lead", "g-command", `通过 #${id}`)).toContain("审核通过");
    expect(await state(id)).toEqual({ state: "closed", rebounds: 0 });
    expect(await say("disp", "g-command", `巡查 #${id} 反弹 又有油烟`)).toContain("反弹");
    expect(await state(id)).toEqual({ state: "in_progress", rebounds: 1 });
    const events = await env.DB.prepare("select kind from case_events where case_id = ? order by id").bind(id).all<{ kind: string }>();
    expect(events.results.map((e) => e.kind)).toEqual([
      "created", "acknowledged", "progress", "extension_requested", "extension_approved", "closure_submitted",
      "closure_rejected", "closure_submitted", "closure_approved", "rebound",
    ]);
  });

  it("rejects a malformed simulator request with a Chinese message, not a 500", async () => {
    const res = await SELF.fetch("http://localhost/sim/messages", { method: "POST", body: "{nope" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain("请求格式不正确");
  });
});
